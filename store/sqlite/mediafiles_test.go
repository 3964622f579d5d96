package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// TestMediaFilesUnderDataDir: media bytes are content-addressed files
// beside the database (one file for the same bytes twice), read back
// through GetMedia, and a file goes when no media row names it any more.
func TestMediaFilesUnderDataDir(t *testing.T) {
	ctx := context.Background()
	s, ws, ch := openLine(t)
	dir := filepath.Join(filepath.Dir(s.Path()), "media")
	files := func() []string {
		var out []string
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				out = append(out, p)
			}
			return nil
		})
		return out
	}
	x, y := []byte("\x89PNG first image"), []byte("\x89PNG second image")
	for _, id := range []string{"med_a", "med_b"} {
		if err := s.PutMedia(ctx, store.Media{ID: id, WorkspaceID: ws, ContentType: "image/png", Body: x}); err != nil {
			t.Fatal(err)
		}
	}
	if got := files(); len(got) != 1 {
		t.Fatalf("files for the same bytes twice: %v", got)
	}
	if m, err := s.GetMedia(ctx, "med_a"); err != nil || !bytes.Equal(m.Body, x) || m.ContentType != "image/png" {
		t.Fatalf("GetMedia: %v %q", err, m.Body)
	}
	// A message showing med_a is deleted: med_a's row goes, the file stays
	// (med_b names it).
	res, err := s.Accept(ctx, []store.AcceptItem{{
		WorkspaceID: ws, ChannelType: "line", MessageID: "msg_img",
		ContactID: "ct_1", ConversationID: "cv_1",
		Inbound: switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: ch, ExternalID: "e1", Sender: "u1", At: time.Now().UTC(),
			Parts: []switchboard.Part{{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{MediaID: "med_a", ContentType: "image/png"}}}},
	}})
	if err != nil || res[0].Duplicate {
		t.Fatalf("accept: %v %+v", err, res)
	}
	if _, err := s.DeleteMessage(ctx, ws, "msg_img", "op_1", time.Now().UTC(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetMedia(ctx, "med_a"); err == nil {
		t.Fatal("med_a still stored after its message was deleted")
	}
	if m, err := s.GetMedia(ctx, "med_b"); err != nil || !bytes.Equal(m.Body, x) {
		t.Fatalf("med_b lost its bytes: %v", err)
	}
	// Replacing med_b's content drops the file nobody names.
	if err := s.PutMedia(ctx, store.Media{ID: "med_b", WorkspaceID: ws, ContentType: "image/png", Body: y}); err != nil {
		t.Fatal(err)
	}
	if got := files(); len(got) != 1 {
		t.Fatalf("files after replacing: %v", got)
	}
	if m, err := s.GetMedia(ctx, "med_b"); err != nil || !bytes.Equal(m.Body, y) {
		t.Fatalf("med_b after replace: %v %q", err, m.Body)
	}
}
