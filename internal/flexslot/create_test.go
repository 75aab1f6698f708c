package flexslot

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func appRequest(typ string) CreateRequest {
	return CreateRequest{ApplicationName: "App", ClientType: typ,
		RedirectURIs: []string{"https://a.example/cb", "http://127.0.0.1:8080/cb"}, AllowedScopes: []string{"decks:read"}}
}

// onFirstCreate applies ff to the first create request only.
func onFirstCreate(ff fakeFault) func(r *http.Request, n int) fakeFault {
	var once sync.Once
	return func(r *http.Request, _ int) fakeFault {
		applied := false
		if r.Method == http.MethodPost && r.URL.Path == basePath {
			once.Do(func() { applied = true })
		}
		if applied {
			return ff
		}
		return fakeFault{}
	}
}

// dropBeforeProcessing closes the connection without doing anything.
func dropBeforeProcessing(t *testing.T) func(w http.ResponseWriter) bool {
	return func(w http.ResponseWriter) bool { hijackAndClose(t, w); return true }
}

func requireOneWorkingClient(t *testing.T, f *fakeAPI, issued *IssuedSecret) {
	t.Helper()
	live := f.live()
	if len(live) != 1 || live[0].ClientID != issued.Client.ClientID {
		t.Fatalf("the API holds %+v, want exactly the returned client %s", live, issued.Client.ClientID)
	}
	if issued.Client.ClientType == ClientTypeConfidential && (issued.Secret == "" || issued.Secret != f.secretOf(issued.Client.ClientID)) {
		t.Errorf("the returned secret is not the client's current secret")
	}
}

// TestLostCreateIsAdopted covers every way the answer to a create that
// Flexslot carried out can be lost: the client is adopted and its secret
// rotated, and the create is never sent twice.
func TestLostCreateIsAdopted(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault fakeFault
	}{
		{"connection dropped after the request", fakeFault{after: "drop"}},
		{"truncated 2xx body", fakeFault{after: "truncate"}},
		{"502 from a gateway", fakeFault{after: "502"}},
		{"503 page from a proxy", fakeFault{after: "html503"}},
		{"no answer within the attempt's share of the deadline", fakeFault{after: "hang"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFakeAPI(t)
				f.set(func(f *fakeAPI) { f.fault = onFirstCreate(tc.fault) })
				c := newTestClient(t, f.URL)
				c.minReserveDeadline = 0
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				issued, err := c.OAuth2Clients.Create(ctx, appRequest(ClientTypeConfidential))
				if err != nil {
					t.Fatal(err)
				}
				if !issued.Adopted || issued.SecretRotatedAt == nil {
					t.Errorf("issued = %+v, want an adopted client with a rotated secret", issued)
				}
				requireOneWorkingClient(t, f, issued)
				if n := f.count(http.MethodPost, basePath); n != 1 {
					t.Errorf("%d creates sent, want 1", n)
				}
				if n := f.count(http.MethodPost, "/rotate-secret"); n != 1 {
					t.Errorf("%d rotations, want 1", n)
				}
				if n := f.count(http.MethodGet, basePath); n != 1 {
					t.Errorf("%d lists, want 1", n)
				}
			})
		})
	}
}

func TestLostPublicCreateIsAdoptedWithoutRotation(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) { f.fault = onFirstCreate(fakeFault{after: "drop"}) })
	c := newTestClient(t, f.URL)
	issued, err := c.OAuth2Clients.Create(context.Background(), appRequest(ClientTypePublic))
	if err != nil {
		t.Fatal(err)
	}
	if !issued.Adopted || issued.Secret != "" || issued.SecretRotatedAt != nil || issued.Client.ClientType != ClientTypePublic {
		t.Errorf("issued = %+v", issued)
	}
	requireOneWorkingClient(t, f, issued)
	if n := f.count(http.MethodPost, "/rotate-secret"); n != 0 {
		t.Errorf("%d rotations of a public client", n)
	}
}

// TestLostCreateNotCarriedOutIsSentAgain: the list shows nothing, so the
// request is sent again, once.
func TestLostCreateNotCarriedOutIsSentAgain(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(t *testing.T) fakeFault
	}{
		{"connection dropped", func(t *testing.T) fakeFault { return fakeFault{before: dropBeforeProcessing(t)} }},
		{"html 502", func(t *testing.T) fakeFault {
			return fakeFault{before: func(w http.ResponseWriter) bool {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(502)
				io.WriteString(w, "<html><title>502 Bad Gateway</title></html>")
				return true
			}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			f.set(func(f *fakeAPI) { f.fault = onFirstCreate(tc.fault(t)) })
			c := newTestClient(t, f.URL)
			issued, err := c.OAuth2Clients.Create(context.Background(), appRequest(ClientTypeConfidential))
			if err != nil {
				t.Fatal(err)
			}
			if issued.Adopted {
				t.Error("adopted a client although none was created")
			}
			requireOneWorkingClient(t, f, issued)
			reqs := f.recorded()
			var seq []string
			for _, r := range reqs {
				seq = append(seq, r.Method)
			}
			if strings.Join(seq, " ") != "POST GET POST" {
				t.Errorf("requests = %v, want POST GET POST", seq)
			}
			if reqs[0].IdempotencyKey == "" || reqs[0].IdempotencyKey != reqs[2].IdempotencyKey || reqs[0].Body != reqs[2].Body {
				t.Error("the create was not sent again with the same Idempotency-Key and body")
			}
		})
	}
}

// TestCleanRefusalsAreRetried: a 429, or a 503 with the API's error body,
// did nothing, so the create is simply sent again, without a list.
func TestCleanRefusalsAreRetried(t *testing.T) {
	for _, status := range []int{429, 503} {
		f := newFakeAPI(t)
		f.set(func(f *fakeAPI) {
			f.fault = onFirstCreate(fakeFault{before: func(w http.ResponseWriter) bool {
				w.Header().Set("Retry-After", "0")
				writeError(w, status, "FLEXSLOT_BUSY", "try later", "")
				return true
			}})
		})
		c := newTestClient(t, f.URL)
		issued, err := c.OAuth2Clients.Create(context.Background(), appRequest(ClientTypeConfidential))
		if err != nil {
			t.Fatal(err)
		}
		requireOneWorkingClient(t, f, issued)
		if n, lists := f.count(http.MethodPost, basePath), f.count(http.MethodGet, basePath); n != 2 || lists != 0 || issued.Adopted {
			t.Errorf("%d: %d creates and %d lists", status, n, lists)
		}
	}
}

// TestAdoptionNeverTakesAKnownClient: an identical client this Client saw in
// an earlier list, or one created before the request, is never adopted.
func TestAdoptionNeverTakesAKnownClient(t *testing.T) {
	req := appRequest(ClientTypeConfidential)
	for _, tc := range []struct {
		name      string
		createdAt time.Duration // relative to now
		listFirst bool
	}{
		{"seen in an earlier list", 0, true},
		{"created before the request", -10 * time.Minute, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFakeAPI(t)
				old := f.add(req.ApplicationName, req.ClientType, req.RedirectURIs, time.Now().Add(tc.createdAt))
				oldSecret := f.secretOf(old.ClientID)
				c := newTestClient(t, f.URL)
				if tc.listFirst {
					if _, err := c.OAuth2Clients.List(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
				time.Sleep(5 * time.Millisecond)
				f.set(func(f *fakeAPI) { f.fault = onFirstCreate(fakeFault{before: dropBeforeProcessing(t)}) })
				issued, err := c.OAuth2Clients.Create(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				if issued.Client.ClientID == old.ClientID || issued.Adopted || f.secretOf(old.ClientID) != oldSecret {
					t.Errorf("the existing client %s was taken: %+v", old.ClientID, issued)
				}
				if n := f.count(http.MethodPost, basePath); n != 2 {
					t.Errorf("%d creates, want 2", n)
				}
			})
		})
	}

	synctest.Test(t, func(t *testing.T) {
		// Seen before, and the lost create was carried out: the new one is adopted.
		f := newFakeAPI(t)
		old := f.add(req.ApplicationName, req.ClientType, req.RedirectURIs, time.Now())
		c := newTestClient(t, f.URL)
		c.OAuth2Clients.List(context.Background())
		time.Sleep(5 * time.Millisecond)
		f.set(func(f *fakeAPI) { f.fault = onFirstCreate(fakeFault{after: "drop"}) })
		issued, err := c.OAuth2Clients.Create(context.Background(), req)
		if err != nil || !issued.Adopted || issued.Client.ClientID == old.ClientID || issued.Secret != f.secretOf(issued.Client.ClientID) {
			t.Errorf("issued = %+v, %v", issued, err)
		}
	})
}

// TestAdoptionMatchesTheRequest: a client differing in name, type or
// redirect URIs is not the one the lost create made; URIs compare as a set.
func TestAdoptionMatchesTheRequest(t *testing.T) {
	req := appRequest(ClientTypeConfidential)
	c := &OAuth2Client{ApplicationName: "App", ClientType: ClientTypeConfidential, Status: StatusActive,
		RedirectURIs: []string{"http://127.0.0.1:8080/cb", "https://a.example/cb", "https://a.example/cb"}}
	if !matchesCreate(c, req, ClientTypeConfidential) {
		t.Error("the same URIs in another order and repeated did not match")
	}
	for name, change := range map[string]func(c *OAuth2Client){
		"name":          func(c *OAuth2Client) { c.ApplicationName = "app" },
		"type":          func(c *OAuth2Client) { c.ClientType = ClientTypePublic },
		"revoked":       func(c *OAuth2Client) { c.Status = StatusRevoked },
		"fewer URIs":    func(c *OAuth2Client) { c.RedirectURIs = c.RedirectURIs[:1] },
		"trailing /":    func(c *OAuth2Client) { c.RedirectURIs = []string{"http://127.0.0.1:8080/cb", "https://a.example/cb/"} },
		"different URI": func(c *OAuth2Client) { c.RedirectURIs = append(c.RedirectURIs, "https://b.example/cb") },
	} {
		other := cloneClient(*c)
		change(&other)
		if matchesCreate(&other, req, ClientTypeConfidential) {
			t.Errorf("%s: matched", name)
		}
	}
}

// TestAdoptionUsesTheServerClock: with the server's clock far behind, the
// Date header still lets the lost create's client be recognised.
func TestAdoptionUsesTheServerClock(t *testing.T) {
	for _, tc := range []struct {
		name     string
		skew     time.Duration
		omitDate bool
		adopted  bool
	}{
		{"server 10 minutes behind, with Date", -10 * time.Minute, false, true},
		{"server 10 minutes ahead, with Date", 10 * time.Minute, false, true},
		{"server 30s behind, without Date", -30 * time.Second, true, true},
		{"server 10 minutes behind, without Date", -10 * time.Minute, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFakeAPI(t)
				f.set(func(f *fakeAPI) {
					f.now = func() time.Time { return time.Now().Add(tc.skew).UTC().Truncate(time.Second) }
					f.omitDate = tc.omitDate
					f.fault = onFirstCreate(fakeFault{after: "drop"})
				})
				c := newTestClient(t, f.URL)
				issued, err := c.OAuth2Clients.Create(context.Background(), appRequest(ClientTypeConfidential))
				if err != nil {
					t.Fatal(err)
				}
				if issued.Adopted != tc.adopted {
					t.Errorf("adopted = %v, want %v", issued.Adopted, tc.adopted)
				}
			})
		})
	}
}

func TestLostCreateWithFailingList(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.fault = func(r *http.Request, n int) fakeFault {
			switch r.Method {
			case http.MethodPost:
				return fakeFault{after: "drop"}
			case http.MethodGet:
				return fakeFault{before: func(w http.ResponseWriter) bool {
					writeError(w, 500, "FLEXSLOT_INTERNAL_ERROR", "list failed", "")
					return true
				}}
			}
			return fakeFault{}
		}
	})
	c := newTestClient(t, f.URL)
	_, err := c.OAuth2Clients.Create(context.Background(), appRequest(ClientTypeConfidential))
	if err == nil || !strings.Contains(err.Error(), "was not sent again") || !strings.Contains(err.Error(), `"App"`) ||
		!strings.Contains(err.Error(), "500 Internal Server Error") || IsNotFound(err) {
		t.Errorf("err = %v", err)
	}
	if n := f.count(http.MethodPost, basePath); n != 1 {
		t.Errorf("%d creates sent although the outcome was unknown", n)
	}
}

func TestAdoptedClientWhoseRotationFails(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.fault = func(r *http.Request, n int) fakeFault {
			switch {
			case r.Method == http.MethodPost && r.URL.Path == basePath:
				return fakeFault{after: "drop"}
			case strings.HasSuffix(r.URL.Path, "/rotate-secret"):
				return fakeFault{before: func(w http.ResponseWriter) bool {
					writeError(w, 500, "FLEXSLOT_INTERNAL_ERROR", "rotation failed", "")
					return true
				}}
			}
			return fakeFault{}
		}
	})
	c := newTestClient(t, f.URL)
	_, err := c.OAuth2Clients.Create(context.Background(), appRequest(ClientTypeConfidential))
	var lost *LostSecretError
	if !errors.As(err, &lost) || lost.Client.ClientID == "" || lost.Client.ClientID != f.live()[0].ClientID ||
		!strings.Contains(err.Error(), "rotation failed") {
		t.Fatalf("err = %v", err)
	}
}

// TestConcurrentIdenticalCreates: two identical creates through one Client,
// the first of which loses its answer, end with two clients, each holding its
// own working secret.
func TestConcurrentIdenticalCreates(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) { f.fault = onFirstCreate(fakeFault{after: "drop"}) })
	c := newTestClient(t, f.URL)
	var wg sync.WaitGroup
	results := make([]*IssuedSecret, 2)
	for i := range results {
		wg.Go(func() {
			issued, err := c.OAuth2Clients.Create(context.Background(), appRequest(ClientTypeConfidential))
			if err != nil {
				t.Error(err)
				return
			}
			results[i] = issued
		})
	}
	wg.Wait()
	if results[0] == nil || results[1] == nil {
		t.FailNow()
	}
	if results[0].Client.ClientID == results[1].Client.ClientID {
		t.Fatalf("both creates returned %s", results[0].Client.ClientID)
	}
	if n := len(f.live()); n != 2 {
		t.Errorf("the API holds %d clients, want 2", n)
	}
	for _, r := range results {
		if r.Secret != f.secretOf(r.Client.ClientID) {
			t.Errorf("%s: the returned secret is not current", r.Client.ClientID)
		}
	}
}

// TestCreateDoesNotResendOnTheTransport checks that the HTTP transport never
// re-sends a create on its own, even on a reused connection.
func TestCreateDoesNotResendOnTheTransport(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f.URL, func(c *Config) { c.RetryMax = -1 })
	// Warm a keep-alive connection, then lose the create's answer on it.
	if _, err := c.OAuth2Clients.List(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.set(func(f *fakeAPI) {
		f.fault = func(r *http.Request, _ int) fakeFault {
			if r.Method == http.MethodPost && r.URL.Path == basePath {
				return fakeFault{after: "drop"}
			}
			return fakeFault{}
		}
	})
	issued, err := c.OAuth2Clients.Create(context.Background(), appRequest(ClientTypeConfidential))
	if err != nil {
		t.Fatal(err)
	}
	if n := f.count(http.MethodPost, basePath); n != 1 || !issued.Adopted {
		t.Errorf("%d creates sent, adopted %v", n, issued.Adopted)
	}
}

// TestCreateStoppedByItsDeadline: with a deadline too close to leave time to
// recover, an attempt is not cut short; when the deadline ends it after the
// request was sent, the error says the client may exist.
func TestCreateStoppedByItsDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeAPI(t)
		f.set(func(f *fakeAPI) { f.fault = onFirstCreate(fakeFault{after: "hang"}) })
		c := newTestClient(t, f.URL)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := c.OAuth2Clients.Create(ctx, appRequest(ClientTypeConfidential))
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), `may have created a client named "App"`) ||
			!strings.Contains(err.Error(), "after the request was sent") {
			t.Errorf("err = %v", err)
		}
		if n := len(f.recorded()); n != 1 {
			t.Errorf("%d requests", n)
		}

		// Rotations are cut short too, and a lost one is rotated again.
		f = newFakeAPI(t)
		id := f.add("App", ClientTypeConfidential, []string{"https://a.example/cb"}, time.Now()).ClientID
		f.set(func(f *fakeAPI) {
			f.fault = func(r *http.Request, n int) fakeFault {
				if n == 0 {
					return fakeFault{after: "hang"}
				}
				return fakeFault{}
			}
		})
		c = newTestClient(t, f.URL)
		c.minReserveDeadline = 0
		ctx, cancel = context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		rotated, err := c.OAuth2Clients.RotateSecret(ctx, id)
		if err != nil || rotated.Secret != f.secretOf(id) || f.count(http.MethodPost, "/rotate-secret") != 2 {
			t.Errorf("RotateSecret = %+v, %v", rotated, err)
		}
	})
}

// TestLostCreatesExhaustTheBudget: every create is lost before Flexslot
// acts on it; each is followed by a list, and the error says what happened.
func TestLostCreatesExhaustTheBudget(t *testing.T) {
	f := newFakeAPI(t)
	f.set(func(f *fakeAPI) {
		f.fault = func(r *http.Request, _ int) fakeFault {
			if r.Method == http.MethodPost {
				return fakeFault{before: func(w http.ResponseWriter) bool {
					w.Header().Set("Content-Type", "text/html")
					w.WriteHeader(504)
					io.WriteString(w, "<html><title>504 Gateway Time-out</title></html>")
					return true
				}}
			}
			return fakeFault{}
		}
	})
	c := newTestClient(t, f.URL, func(c *Config) { c.RetryMax = 2 })
	_, err := c.OAuth2Clients.Create(context.Background(), appRequest(ClientTypeConfidential))
	if err == nil || !strings.Contains(err.Error(), "giving up after 3 attempts, last status 504 Gateway Timeout") ||
		!strings.Contains(err.Error(), "the list shows no such client") || !strings.Contains(err.Error(), `"504 Gateway Time-out"`) {
		t.Errorf("err = %v", err)
	}
	var seq []string
	for _, r := range f.recorded() {
		seq = append(seq, r.Method)
	}
	if strings.Join(seq, " ") != "POST GET POST GET POST GET" {
		t.Errorf("requests = %v", seq)
	}
}

// TestRecoveryNeverAdoptsAnotherConfigurationsClient: another configuration
// created the same client seconds before this create's request left, and this
// create's answer was lost before Flexslot carried it out. That client is not
// adopted and its secret is not rotated; the create is sent again.
func TestRecoveryNeverAdoptsAnotherConfigurationsClient(t *testing.T) {
	req := appRequest(ClientTypeConfidential)
	f := newFakeAPI(t)
	others := f.add(req.ApplicationName, req.ClientType, req.RedirectURIs, f.now().Add(-3*time.Second))
	othersSecret := f.secretOf(others.ClientID)
	f.set(func(f *fakeAPI) { f.fault = onFirstCreate(fakeFault{before: dropBeforeProcessing(t)}) })
	c := newTestClient(t, f.URL)
	issued, err := c.OAuth2Clients.Create(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if issued.Client.ClientID == others.ClientID || issued.Adopted || f.secretOf(others.ClientID) != othersSecret {
		t.Fatalf("the other configuration's client %s was taken: %+v", others.ClientID, issued)
	}
	if n := f.count(http.MethodPost, basePath); n != 2 {
		t.Errorf("%d creates, want 2", n)
	}
}

// TestRecoveryWithSeveralCandidatesAdoptsNone: the lost create was carried
// out, and another identical client was created within the clock margin of
// the request: the provider cannot tell which is its own, so it adopts and
// rotates neither and names both, newest first.
func TestRecoveryWithSeveralCandidatesAdoptsNone(t *testing.T) {
	req := appRequest(ClientTypeConfidential)
	f := newFakeAPI(t)
	others := f.add(req.ApplicationName, req.ClientType, req.RedirectURIs, f.now().Add(-100*time.Millisecond))
	othersSecret := f.secretOf(others.ClientID)
	f.set(func(f *fakeAPI) { f.fault = onFirstCreate(fakeFault{after: "drop"}) })
	c := newTestClient(t, f.URL)
	_, err := c.OAuth2Clients.Create(context.Background(), req)
	var ambiguous *AmbiguousCreateError
	if !errors.As(err, &ambiguous) {
		t.Fatalf("err = %v, want an AmbiguousCreateError", err)
	}
	live := f.live()
	if len(live) != 2 {
		t.Fatalf("the API holds %d clients, want 2", len(live))
	}
	own := live[1].ClientID
	if want := []string{own, others.ClientID}; !slices.Equal(ambiguous.Candidates, want) {
		t.Errorf("candidates = %v, want %v (newest first)", ambiguous.Candidates, want)
	}
	if f.secretOf(others.ClientID) != othersSecret || f.count(http.MethodPost, "/rotate-secret") != 0 {
		t.Error("a candidate's secret was rotated")
	}
	if f.count(http.MethodPost, basePath) != 1 {
		t.Error("the create was sent again")
	}
	for _, want := range []string{own, others.ClientID, `"App"`, "cannot tell which one"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestCreateCandidates(t *testing.T) {
	req := appRequest(ClientTypeConfidential)
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	client := func(id string, createdAt time.Time) OAuth2Client {
		return OAuth2Client{ClientID: id, ApplicationName: req.ApplicationName, ClientType: req.ClientType,
			RedirectURIs: req.RedirectURIs, Status: StatusActive, CreatedAt: createdAt}
	}
	r := &listResult{clients: []OAuth2Client{
		client("before", at.Add(-time.Millisecond)),
		client("at", at),
		client("after", at.Add(time.Second)),
		client("known", at.Add(2*time.Second)),
	}}
	got := createCandidates(r, req, ClientTypeConfidential, at, func(id string) bool { return id == "known" })
	var ids []string
	for _, c := range got {
		ids = append(ids, c.ClientID)
	}
	if want := []string{"after", "at"}; !slices.Equal(ids, want) {
		t.Errorf("candidates = %v, want %v", ids, want)
	}
}

func TestAdoptionThreshold(t *testing.T) {
	start := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	// The list came back 200 ms after start; the server's clock is 10 minutes
	// behind, and its Date header truncated to the second.
	r := &listResult{completed: start.Add(200 * time.Millisecond), serverDate: start.Add(-10 * time.Minute)}
	want := start.Add(-10*time.Minute - 200*time.Millisecond - createdAtMargin)
	if got := adoptionThreshold(start, r); !got.Equal(want) {
		t.Errorf("threshold = %v, want %v", got, want)
	}
	if got, want := adoptionThreshold(start, &listResult{completed: start}), start.Add(-clockSkewAllowance); !got.Equal(want) {
		t.Errorf("threshold without a Date header = %v, want %v", got, want)
	}
}
