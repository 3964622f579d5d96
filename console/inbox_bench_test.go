package console_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/mattn/go-sqlite3"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/postgres"
	"github.com/switchboardhq/switchboard/store/sqlite"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// The inbox at size: 100,000 conversations with 1,000,000 messages (ten
// each), half in each of two departments, a quarter of them unread. The
// seeded database is kept between runs (SQLite: a file in the temp dir;
// PostgreSQL: a database of its own), named by the schema it was made
// with, so only the first run pays for the seeding. Run with
//
//	make bench-inbox     (go test -run '^$' -bench BenchmarkInbox ./console/)
//
// The figures are the server's time for the first page: the HTTP handler
// with its auth, department scoping, store query and JSON encoding.
const (
	benchConversations = 100_000
	benchPerConv       = 10
	// benchSeedVersion names the seeded data; raise it when the schema or
	// the seeding changes.
	benchSeedVersion = "v1-m6"
)

func BenchmarkInboxSQLite(b *testing.B) {
	path := filepath.Join(os.TempDir(), "switchboard-bench-inbox-"+benchSeedVersion+".db")
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".seeding"
		_ = os.Remove(tmp)
		seedInboxSQLite(b, tmp)
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			_ = os.Rename(tmp+suffix, path+suffix)
		}
		_ = os.Remove(tmp + ".migrate-lock")
	}
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	benchInbox(b, st)
}

func BenchmarkInboxPostgres(b *testing.B) {
	base := storetest.PostgresURL(b) // skips, saying so, without a server
	ctx := context.Background()
	name := "switchboard_bench_inbox_" + strings.ReplaceAll(benchSeedVersion, "-", "_")
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(ctx)
	u, _ := url.Parse(base)
	u.Path = "/" + name
	dsn := u.String()
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		b.Fatal(err)
	}
	if exists && !pgSeeded(ctx, dsn) {
		if _, err := admin.Exec(ctx, "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			b.Fatal(err)
		}
		exists = false
	}
	if !exists {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			b.Fatal(err)
		}
		seedInboxPostgres(b, dsn)
	}
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	benchInbox(b, st)
}

// benchInbox measures the first pages through the console's handler.
func benchInbox(b *testing.B, st store.Store) {
	ctx := context.Background()
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	ws, err := st.DefaultWorkspace(ctx)
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt, err := router.New(st, router.Config{Logger: log, HubSecret: []byte(strings.Repeat("k", 32))})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(console.New(rt, console.Config{Logger: log}).Handler())
	defer srv.Close()

	now := time.Now().UTC()
	adminSecret, opSecret := console.NewSecret(""), console.NewSecret("")
	if err := st.CreateToken(ctx, store.Token{ID: "tok_bench_" + opSecret[:8], WorkspaceID: ws.ID, Name: "bench", Role: switchboard.RoleAdmin, Hash: console.HashSecret(adminSecret), CreatedAt: now}); err != nil {
		b.Fatal(err)
	}
	opID := switchboard.OperatorID("op_bench_" + opSecret[:8])
	op := switchboard.Operator{ID: opID, WorkspaceID: ws.ID, Email: string(opID) + "@example.com", Name: "Bench", Role: switchboard.RoleOperator,
		DepartmentIDs: []switchboard.DepartmentID{"dep_bench_a"}, CreatedAt: now}
	if err := st.CreateOperator(ctx, op, "x"); err != nil {
		b.Fatal(err)
	}
	if err := st.CreateSession(ctx, store.Session{Hash: console.HashSecret(opSecret), OperatorID: opID, WorkspaceID: ws.ID, CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		b.Fatal(err)
	}
	get := func(b *testing.B, path string, operator bool) []byte {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if operator {
			req.AddCookie(&http.Cookie{Name: "sb_session", Value: opSecret})
		} else {
			req.Header.Set("Authorization", "Bearer "+adminSecret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
		return body
	}
	// A conversation in the middle of the history.
	conv := fmt.Sprintf("cv_bench_%06d", benchConversations/2)
	cases := []struct {
		name, path string
		operator   bool
		// want is a string every answer holds (the page is not empty).
		want string
	}{
		{"list/admin", "/api/v1/conversations", false, `"cv_bench_`},
		{"list/operator-department", "/api/v1/conversations", true, `"dep_bench_a"`},
		{"list/open", "/api/v1/conversations?status=open", false, `"open"`},
		{"list/unread", "/api/v1/conversations?unread=true", false, `"unread":true`},
		{"list/unassigned-department", "/api/v1/conversations?assignee=none&department=dep_bench_b", false, `"dep_bench_b"`},
		{"messages/first-page", "/api/v1/conversations/" + conv + "/messages", false, `"msg_bench_`},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if body := get(b, c.path, c.operator); !strings.Contains(string(body), c.want) {
				b.Fatalf("%s: answer lacks %s: %.300s", c.path, c.want, body)
			}
			b.ResetTimer()
			for b.Loop() {
				get(b, c.path, c.operator)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
		})
	}
}

// seedInboxSQLite makes the store's schema at path, then fills it in a few
// set-based statements (a recursive CTE per table).
func seedInboxSQLite(b *testing.B, path string) {
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	ws := prepareSeed(b, st)
	db, err := sql.Open("sqlite3", path+"?_journal_mode=WAL&_busy_timeout=10000&_foreign_keys=off")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now().Add(-30 * 24 * time.Hour).UnixMicro()
	n, per := benchConversations, benchPerConv
	stmts := []string{
		"PRAGMA synchronous = OFF",
		"BEGIN",
		fmt.Sprintf(`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM s WHERE i+1 < %d)
		 INSERT INTO contacts (id, workspace_id, name, email, created_at, updated_at)
		 SELECT printf('ct_bench_%%06d', i), '%s', 'Customer ' || i, 'c' || i || '@example.com', %d + i, %d + i FROM s`, n, ws.ID, start, start),
		fmt.Sprintf(`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM s WHERE i+1 < %d)
		 INSERT INTO identities (channel_id, external_id, contact_id, conversation_id, created_at)
		 SELECT 'web', printf('v_%%06d', i), printf('ct_bench_%%06d', i), printf('cv_bench_%%06d', i), %d FROM s`, n, start),
		fmt.Sprintf(`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM s WHERE i+1 < %d)
		 INSERT INTO conversations (id, workspace_id, channel_id, channel_type, contact_id, department_id, assignee_id, status,
		   unread_count, last_message, last_activity_at, created_at, recipient)
		 SELECT printf('cv_bench_%%06d', i), '%s', 'web', 'webchat', printf('ct_bench_%%06d', i),
		   CASE i %% 2 WHEN 0 THEN 'dep_bench_a' ELSE 'dep_bench_b' END, '',
		   CASE i %% 4 WHEN 3 THEN 'resolved' ELSE 'open' END,
		   CASE i %% 4 WHEN 0 THEN 2 ELSE 0 END, 'message ' || (i * %d + %d), %d + i * 20000000, %d + i * 20000000, printf('v_%%06d', i) FROM s`,
			n, ws.ID, per, per-1, start, start),
		fmt.Sprintf(`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM s WHERE i+1 < %d)
		 INSERT INTO messages (id, workspace_id, conversation_id, channel_id, direction, parts, text, external_id, status, created_at)
		 SELECT printf('msg_bench_%%07d', i), '%s', printf('cv_bench_%%06d', i / %d), 'web',
		   CASE i %% 3 WHEN 0 THEN 'out' ELSE 'in' END,
		   json_array(json_object('kind', 'text', 'text', 'message ' || i)), 'message ' || i,
		   CASE i %% 3 WHEN 0 THEN '' ELSE printf('wc_bench_%%07d', i) END, 'delivered', %d + (i / %d) * 20000000 + (i %% %d) * 1000000 FROM s`,
			n*per, ws.ID, per, start, per, per),
		// The search index is not part of this benchmark: mark it caught up.
		"UPDATE fts_progress SET last_seq = (SELECT max(seq) FROM messages)",
		"COMMIT",
		"PRAGMA wal_checkpoint(TRUNCATE)",
		"ANALYZE",
	}
	t0 := time.Now()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			b.Fatalf("seed: %v\n%s", err, q)
		}
	}
	b.Logf("seeded %d conversations, %d messages in SQLite in %s", n, n*per, time.Since(t0).Round(time.Second))
}

// prepareSeed migrates a new store, makes its workspace and the two
// departments, and closes it; the rows come after, in bulk SQL.
func prepareSeed(b *testing.B, st store.Store) switchboard.Workspace {
	ctx := context.Background()
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	ws, err := st.DefaultWorkspace(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range []switchboard.Department{{ID: "dep_bench_a", Name: "A"}, {ID: "dep_bench_b", Name: "B"}} {
		d.WorkspaceID, d.CreatedAt = ws.ID, time.Now().UTC()
		if err := st.CreateDepartment(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	return ws
}

func pgSeeded(ctx context.Context, dsn string) bool {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return false
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, "SELECT count(*) FROM conversations WHERE id = $1", fmt.Sprintf("cv_bench_%06d", benchConversations-1)).Scan(&n)
	return err == nil && n == 1
}

func seedInboxPostgres(b *testing.B, dsn string) {
	ctx := context.Background()
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	ws := prepareSeed(b, st)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	n, per := benchConversations, benchPerConv
	stmts := []string{
		fmt.Sprintf(`INSERT INTO contacts (id, workspace_id, name, email, created_at, updated_at)
		 SELECT format('ct_bench_%%s', lpad(i::text, 6, '0')), '%s', 'Customer ' || i, 'c' || i || '@example.com', now(), now()
		 FROM generate_series(0, %d) i`, ws.ID, n-1),
		fmt.Sprintf(`INSERT INTO conversations (id, workspace_id, channel_id, channel_type, contact_id, department_id, assignee_id, status,
		   unread_count, last_message, last_activity_at, created_at, recipient)
		 SELECT format('cv_bench_%%s', lpad(i::text, 6, '0')), '%s', 'web', 'webchat', format('ct_bench_%%s', lpad(i::text, 6, '0')),
		   CASE i %% 2 WHEN 0 THEN 'dep_bench_a' ELSE 'dep_bench_b' END, '',
		   CASE i %% 4 WHEN 3 THEN 'resolved' ELSE 'open' END,
		   CASE i %% 4 WHEN 0 THEN 2 ELSE 0 END, 'message ' || (i * %d + %d),
		   now() - interval '30 days' + i * interval '20 seconds', now() - interval '30 days' + i * interval '20 seconds', format('v_%%s', lpad(i::text, 6, '0'))
		 FROM generate_series(0, %d) i`, ws.ID, per, per-1, n-1),
		fmt.Sprintf(`INSERT INTO messages (id, workspace_id, conversation_id, channel_id, direction, parts, text, external_id, status, created_at)
		 SELECT format('msg_bench_%%s', lpad(i::text, 7, '0')), '%s', format('cv_bench_%%s', lpad((i / %d)::text, 6, '0')), 'web',
		   CASE i %% 3 WHEN 0 THEN 'out' ELSE 'in' END,
		   jsonb_build_array(jsonb_build_object('kind', 'text', 'text', 'message ' || i))::text, 'message ' || i,
		   CASE i %% 3 WHEN 0 THEN '' ELSE format('wc_bench_%%s', lpad(i::text, 7, '0')) END, 'delivered',
		   now() - interval '30 days' + (i / %d) * interval '20 seconds' + (i %% %d) * interval '1 second'
		 FROM generate_series(0, %d) i`, ws.ID, per, per, per, n*per-1),
		"ANALYZE",
	}
	t0 := time.Now()
	for _, q := range stmts {
		if _, err := conn.Exec(ctx, q); err != nil {
			b.Fatalf("seed: %v\n%s", err, q)
		}
	}
	b.Logf("seeded %d conversations, %d messages in PostgreSQL in %s", n, n*per, time.Since(t0).Round(time.Second))
}
