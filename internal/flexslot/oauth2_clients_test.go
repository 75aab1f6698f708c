package flexslot

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// route answers by method and path suffix; unknown requests fail the test.
func route(t *testing.T, routes map[string]func(w http.ResponseWriter)) *testServer {
	return newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		key := r.Method + " " + strings.TrimPrefix(r.URL.Path, basePath)
		if h, ok := routes[key]; ok {
			h(w)
			return
		}
		t.Errorf("unexpected request %s", key)
		w.WriteHeader(599)
	})
}

func listOf(clients ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { writeJSON(w, 200, "["+strings.Join(clients, ",")+"]") }
}

func withStatus(status string) string {
	return strings.Replace(publishedClient, `"status": "active"`, `"status": "`+status+`"`, 1)
}

func TestGetNotFoundOnlyFromASuccessfulList(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		list     func(w http.ResponseWriter)
		notFound bool
		status   string
	}{
		{"listed", listOf(publishedClient), false, StatusActive},
		{"listed suspended", listOf(withStatus(StatusSuspended)), false, StatusSuspended},
		{"omitted", listOf(), true, ""},
		{"listed revoked", listOf(withStatus(StatusRevoked)), true, ""},
		{"list 404", func(w http.ResponseWriter) { writeError(w, 404, CodeNotFound, "no such route", "") }, false, ""},
		{"list 401", func(w http.ResponseWriter) { writeError(w, 401, "FLEXSLOT_UNAUTHORIZED", "bad token", "") }, false, ""},
		{"list 500", func(w http.ResponseWriter) { writeError(w, 500, "FLEXSLOT_INTERNAL_ERROR", "boom", "") }, false, ""},
		{"list object", func(w http.ResponseWriter) { writeJSON(w, 200, `{"clients":[]}`) }, false, ""},
		{"list html", func(w http.ResponseWriter) { w.WriteHeader(200); io.WriteString(w, "<html></html>") }, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := route(t, map[string]func(http.ResponseWriter){"GET ": tc.list})
			c := newTestClient(t, ts.URL, func(c *Config) { c.RetryMax = -1 })
			got, err := c.OAuth2Clients.Get(ctx, testID)
			if IsNotFound(err) != tc.notFound || errors.Is(err, ErrNotFound) != tc.notFound {
				t.Fatalf("err = %v, want not found = %v", err, tc.notFound)
			}
			if tc.status != "" && (err != nil || got.Status != tc.status) {
				t.Errorf("Get = %+v, %v", got, err)
			}
			if tc.status == "" && err == nil {
				t.Errorf("Get = %+v", got)
			}
		})
	}
}

func TestListReturnsCopies(t *testing.T) {
	ts := route(t, map[string]func(http.ResponseWriter){"GET ": listOf(publishedClient)})
	c := newTestClient(t, ts.URL)
	ctx := context.Background()
	a, _ := c.OAuth2Clients.List(ctx)
	a[0].RedirectURIs[0] = "changed"
	a[0].ApplicationName = "changed"
	b, _ := c.OAuth2Clients.Get(ctx, testID)
	if b.RedirectURIs[0] == "changed" || b.ApplicationName == "changed" {
		t.Error("a caller's change reached the shared list")
	}
	if len(ts.recorded()) != 1 {
		t.Errorf("%d requests", len(ts.recorded()))
	}
	// Revoked clients are returned by List when the API lists them.
	ts2 := route(t, map[string]func(http.ResponseWriter){"GET ": listOf(withStatus(StatusRevoked))})
	if all, err := newTestClient(t, ts2.URL).OAuth2Clients.List(ctx); err != nil || len(all) != 1 || all[0].Status != StatusRevoked {
		t.Errorf("List = %+v, %v", all, err)
	}
}

func TestRevoke(t *testing.T) {
	noContent := func(w http.ResponseWriter) { w.WriteHeader(204) }
	notFound := func(w http.ResponseWriter) { writeError(w, 404, CodeNotFound, "no such client", "") }
	for _, tc := range []struct {
		name    string
		del     func(w http.ResponseWriter)
		list    func(w http.ResponseWriter)
		wantErr []string
		apiErr  int
	}{
		{"204 then gone", noContent, listOf(), nil, 0},
		{"204 then listed revoked", noContent, listOf(withStatus(StatusRevoked)), nil, 0},
		{"404 then gone", notFound, listOf(), nil, 0},
		{"200 html then gone", func(w http.ResponseWriter) { w.WriteHeader(200); io.WriteString(w, "<html>ok</html>") }, listOf(), nil, 0},
		{"204 but still active", noContent, listOf(publishedClient),
			[]string{"DELETE answered 204 No Content (no content type, request id req_a)", "still shows it active"}, 0},
		{"404 but listed suspended", notFound, listOf(withStatus(StatusSuspended)),
			[]string{"offers no revoke through its API", "DELETE answered 404 Not Found", "no such client", "shows the client suspended"}, 404},
		{"html 404 but listed", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(404)
			io.WriteString(w, "<html>not here</html>")
		}, listOf(publishedClient),
			[]string{"DELETE answered 404 Not Found (text/html, request id req_a)", "still shows it active"}, 0},
		{"204 but the list fails", noContent, func(w http.ResponseWriter) { writeError(w, 401, "FLEXSLOT_UNAUTHORIZED", "bad token", "") },
			[]string{"DELETE answered 204 No Content", "listing the partner's clients to confirm it failed", "401 Unauthorized"}, 401},
		{"405 then gone", func(w http.ResponseWriter) { writeError(w, 405, "FLEXSLOT_METHOD_NOT_ALLOWED", "no", "") }, listOf(), nil, 0},
		{"405", func(w http.ResponseWriter) { writeError(w, 405, "FLEXSLOT_METHOD_NOT_ALLOWED", "no", "") }, listOf(publishedClient),
			[]string{"DELETE /api/public/v1/me/partner/oauth2-clients/" + testID, "offers no revoke through its API", "405 Method Not Allowed", "req_a"}, 405},
		{"500", func(w http.ResponseWriter) { writeError(w, 500, "FLEXSLOT_INTERNAL_ERROR", "boom", "") }, nil,
			[]string{"500 Internal Server Error", "boom"}, 500},
		{"redirect", func(w http.ResponseWriter) {
			w.Header().Set("Location", "https://sso.example/login")
			w.WriteHeader(302)
		}, nil,
			[]string{"302 Found", "sso.example"}, 302},
	} {
		t.Run(tc.name, func(t *testing.T) {
			routes := map[string]func(http.ResponseWriter){"DELETE /" + testID: tc.del}
			if tc.list != nil {
				routes["GET "] = tc.list
			}
			ts := route(t, routes)
			c := newTestClient(t, ts.URL, func(c *Config) { c.RetryMax = -1 })
			err := c.OAuth2Clients.Revoke(context.Background(), testID)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("want an error")
			}
			for _, want := range tc.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			unsupported := tc.apiErr == 404 || tc.apiErr == 405
			if errors.Is(err, ErrRevokeUnsupported) != unsupported {
				t.Errorf("errors.Is(%v, ErrRevokeUnsupported) = %t, want %t", err, !unsupported, unsupported)
			}
			var unconfirmed *RevokeUnconfirmedError
			if tc.list != nil && !unsupported && !errors.As(err, &unconfirmed) {
				t.Errorf("err = %T, want *RevokeUnconfirmedError", err)
			}
			var apiErr *APIError
			if errors.As(err, &apiErr) != (tc.apiErr != 0) || (tc.apiErr != 0 && apiErr.StatusCode != tc.apiErr) {
				t.Errorf("err = %#v", err)
			}
			if IsNotFound(err) {
				t.Error("a revoke error matched ErrNotFound")
			}
		})
	}
}

// TestRevokeConfirmedByAFreshList checks that the confirming list starts after
// DELETE returned, even when a list was just made.
func TestRevokeConfirmedByAFreshList(t *testing.T) {
	f := newFakeAPI(t)
	id := f.add("App", ClientTypeConfidential, []string{"https://a.example/cb"}, time.Now()).ClientID
	c := newTestClient(t, f.URL)
	ctx := context.Background()
	if _, err := c.OAuth2Clients.Get(ctx, id); err != nil {
		t.Fatal(err)
	}
	// The DELETE's answer is lost once; it is sent again and answers 404.
	f.set(func(f *fakeAPI) {
		f.fault = func(r *http.Request, n int) fakeFault {
			if r.Method == http.MethodDelete && n == 1 {
				return fakeFault{after: "drop"}
			}
			return fakeFault{}
		}
	})
	if err := c.OAuth2Clients.Revoke(ctx, id); err != nil {
		t.Fatal(err)
	}
	var seq []string
	for _, r := range f.recorded() {
		seq = append(seq, r.Method)
	}
	if strings.Join(seq, " ") != "GET DELETE DELETE GET" {
		t.Errorf("requests = %v", seq)
	}
	if _, err := c.OAuth2Clients.Get(ctx, id); !IsNotFound(err) {
		t.Errorf("Get after Revoke = %v", err)
	}
}

func TestUpdateOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name        string
		patch       func(w http.ResponseWriter)
		list        func(w http.ResponseWriter)
		unsupported bool
		notFound    bool
		want        string
	}{
		{"envelope", func(w http.ResponseWriter) { writeJSON(w, 200, `{"client":`+publishedClient+`}`) }, nil, false, false, ""},
		{"bare", func(w http.ResponseWriter) { writeJSON(w, 200, publishedClient) }, nil, false, false, ""},
		{"405", func(w http.ResponseWriter) { writeError(w, 405, "FLEXSLOT_METHOD_NOT_ALLOWED", "no PATCH", "") }, nil, true, false,
			"cannot change this client in place: PATCH answered 405 Method Not Allowed"},
		{"404 while listed", func(w http.ResponseWriter) { writeError(w, 404, CodeNotFound, "no route", "") }, listOf(publishedClient), true, false,
			"although the partner's list shows the client active"},
		{"404 and gone", func(w http.ResponseWriter) { writeError(w, 404, CodeNotFound, "no such client", "") }, listOf(), false, true,
			"is not in the list"},
		{"404 and the list fails", func(w http.ResponseWriter) { writeError(w, 404, CodeNotFound, "no such client", "") },
			func(w http.ResponseWriter) { writeError(w, 500, "FLEXSLOT_INTERNAL_ERROR", "boom", "") }, false, false,
			"listing the partner's clients to tell whether the client exists failed"},
		{"400", func(w http.ResponseWriter) {
			writeError(w, 400, "FLEXSLOT_INVALID_REDIRECT_URI", "must use https", "redirect_uris[0]")
		}, nil, false, false, "field redirect_uris[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			routes := map[string]func(http.ResponseWriter){"PATCH /" + testID: tc.patch}
			if tc.list != nil {
				routes["GET "] = tc.list
			}
			ts := route(t, routes)
			c := newTestClient(t, ts.URL, func(c *Config) { c.RetryMax = -1 })
			got, err := c.OAuth2Clients.Update(context.Background(), testID, UpdateRequest{RedirectURIs: []string{"https://decks.example.com/oauth/callback"}})
			if tc.want == "" {
				if err != nil || got.ClientID != testID {
					t.Fatalf("Update = %+v, %v", got, err)
				}
				return
			}
			if errors.Is(err, ErrUpdateUnsupported) != tc.unsupported || IsNotFound(err) != tc.notFound || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v", err)
			}
			var apiErr *APIError
			if tc.unsupported && (!errors.As(err, &apiErr) || apiErr.RequestID == "") {
				t.Errorf("the unsupported error lost its answer: %v", err)
			}
		})
	}
}

func TestRotateNotFound(t *testing.T) {
	notFound := func(w http.ResponseWriter) { writeError(w, 404, CodeNotFound, "no such client", "") }
	ts := route(t, map[string]func(http.ResponseWriter){"POST /" + testID + "/rotate-secret": notFound, "GET ": listOf(publishedClient)})
	c := newTestClient(t, ts.URL)
	_, err := c.OAuth2Clients.RotateSecret(context.Background(), testID)
	var listed *ListedNotFoundError
	if !errors.As(err, &listed) || IsNotFound(err) || !strings.Contains(err.Error(), "although the partner's list of clients shows the client active") {
		t.Errorf("404 while listed: %v", err)
	}
	ts = route(t, map[string]func(http.ResponseWriter){"POST /" + testID + "/rotate-secret": notFound, "GET ": listOf()})
	c = newTestClient(t, ts.URL)
	if _, err := c.OAuth2Clients.RotateSecret(context.Background(), testID); !IsNotFound(err) {
		t.Errorf("404 and gone: %v", err)
	}
}

func TestUpdateNotApplied(t *testing.T) {
	ts := route(t, map[string]func(http.ResponseWriter){
		"PATCH /" + testID: func(w http.ResponseWriter) {
			w.Header().Set("X-Request-Id", "req_patch")
			writeJSON(w, 200, `{"client": `+publishedClient+`}`)
		},
	})
	c := newTestClient(t, ts.URL, func(c *Config) { c.RetryMax = -1 })
	name := "Renamed"
	got, err := c.OAuth2Clients.Update(context.Background(), testID, UpdateRequest{
		ApplicationName: &name,
		RedirectURIs:    []string{"https://decks.example.com/oauth/callback"},
	})
	var notApplied *UpdateNotAppliedError
	if !errors.As(err, &notApplied) || got == nil {
		t.Fatalf("Update = %+v, %v; want the answer and an UpdateNotAppliedError", got, err)
	}
	if strings.Join(notApplied.Fields, ",") != "application_name" || notApplied.RequestID != "req_patch" ||
		!strings.Contains(err.Error(), "request id req_patch") {
		t.Errorf("err = %v (%+v), want application_name not applied with the request id", err, notApplied)
	}
}
