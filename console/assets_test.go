package console_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard/console/web"
)

// /widget.js is JavaScript any site may load: the built widget, or (in a
// tree where `make build` did not run) a line saying how to build it.
func TestWidgetScript(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res, err := http.Get(f.srv.URL + "/widget.js")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	for h, want := range map[string]string{"Content-Type": "text/javascript; charset=utf-8", "Access-Control-Allow-Origin": "*"} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	if built, ok := web.Widget(); ok {
		if string(body) != string(built) {
			t.Error("not the built widget")
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
			t.Errorf("Cache-Control %q: want a short max-age", cc)
		}
		return
	}
	if !strings.Contains(string(body), "make build") {
		t.Errorf("unbuilt widget says %q, want how to build it", body)
	}
}
