package connectors_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/connectors"
)

// Bursts of concurrent calls to one provider reuse the connections of the
// earlier bursts instead of opening new ones (http.DefaultTransport keeps
// only two idle connections per host: with it, this test saw 38 and 44
// connections opened).
func TestProviderClientReusesConnectionsAcrossBursts(t *testing.T) {
	var opened atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		w.WriteHeader(http.StatusOK)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	client := connectors.NewHTTPClient(5 * time.Second)
	for burst := range 3 {
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := client.Get(srv.URL)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			}()
		}
		// Hold the first burst's answers until all 16 calls are open at once.
		deadline := time.Now().Add(5 * time.Second)
		for opened.Load() < 16 && burst == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		for range 16 {
			release <- struct{}{}
		}
		wg.Wait()
	}
	// A connection goes back to the idle pool on the transport's own
	// goroutine, just after its caller is done: on a loaded machine a call
	// of the next burst sometimes dials before that (17 was seen once in a
	// full run). A few such dials are not the failure this test is about.
	if got := opened.Load(); got > 20 {
		t.Errorf("three bursts of 16 calls opened %d connections, want 16 (up to 20 when the machine is loaded)", got)
	}
}
