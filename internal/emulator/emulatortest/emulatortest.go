// Package emulatortest starts a Flexslot emulator for a test and checks every
// partner API exchange, request and response, against the OpenAPI document in
// internal/apispec: a response must match the document, and a request the
// document forbids must be refused. The one allowance is a scope outside the
// published catalog that Flexslot granted to the partner (the document lists
// the catalog as published; Flexslot accepts granted scopes too).
package emulatortest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/flexslot/terraform-provider-flexslot/internal/apispec"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/memnet"
)

// Instance is a running emulator.
type Instance struct {
	// URL is the base URL, such as http://127.0.0.1:41234.
	URL    string
	Server *emulator.Server
	// HTTPClient reaches URL; for an instance of StartInMemory, it is the only one that does.
	HTTPClient *http.Client
	// Tokens are the partners' Personal Access Tokens.
	Tokens []string
}

// Start runs an emulator on 127.0.0.1 until the test ends. Every partner API
// request and response is validated against the OpenAPI document; mismatches
// fail the test.
func Start(t testing.TB, opts emulator.Options) *Instance {
	t.Helper()
	server, handler := newValidated(t, opts)
	ts := httptest.NewServer(handler)
	t.Cleanup(ts.Close)
	return &Instance{URL: ts.URL, Server: server, Tokens: server.Tokens(), HTTPClient: ts.Client()}
}

// StartInMemory runs an emulator, validated as by Start, on in-memory
// connections (internal/memnet) until the test ends, for a test in a
// testing/synctest bubble: its exchanges leave the bubble's clock free to
// advance. Only the instance's HTTPClient reaches it.
func StartInMemory(t testing.TB, opts emulator.Options) *Instance {
	t.Helper()
	server, handler := newValidated(t, opts)
	ms := memnet.NewServer(handler)
	t.Cleanup(ms.Close)
	return &Instance{URL: ms.URL, Server: server, Tokens: server.Tokens(), HTTPClient: ms.Client()}
}

func newValidated(t testing.TB, opts emulator.Options) (*emulator.Server, http.Handler) {
	t.Helper()
	server, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	router, err := apispec.NewRouter()
	if err != nil {
		t.Fatalf("loading the OpenAPI document: %v", err)
	}
	return server, &validator{t: t, router: router, next: server, server: server}
}

// validator checks partner API exchanges against the OpenAPI document.
type validator struct {
	t      testing.TB
	router routers.Router
	next   http.Handler
	// server, when set, tells which scopes outside the catalog a partner was granted.
	server *emulator.Server
}

func (v *validator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, emulator.MePath) {
		v.next.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		v.t.Errorf("reading the body of %s %s: %v", r.Method, r.URL.Path, err)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	v.next.ServeHTTP(rec, r)

	switch rec.Header().Get(emulator.FaultHeader) {
	case emulator.FaultDropAfterCommit, emulator.FaultMalformedBody, emulator.FaultHTMLError:
		return // deliberately broken
	}
	if !rec.wrote && r.Context().Err() != nil {
		return // the caller gave up before an answer
	}
	if rec.hijacked {
		v.t.Errorf("%s %s: the connection was dropped without a drop_after_commit fault", r.Method, r.URL.Path)
		return
	}
	v.check(r, body, rec)
}

func (v *validator) check(r *http.Request, body []byte, rec *recorder) {
	exchange := r.Method + " " + r.URL.RequestURI()
	injected := rec.Header().Get(emulator.FaultHeader) == emulator.FaultStatus
	if rec.status >= http.StatusInternalServerError && !injected {
		v.t.Errorf("%s: the emulator failed with %d: %s", exchange, rec.status, rec.body.String())
	}
	req := r.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		if rec.status < http.StatusBadRequest {
			v.t.Errorf("%s: not an operation of the OpenAPI document, yet answered %d", exchange, rec.status)
		}
		return
	}
	input := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:         true,
			AuthenticationFunc: bearerPresent,
		},
	}
	// A request the document forbids must be refused; any other answer means
	// the emulator accepts what the contract does not.
	if err := openapi3filter.ValidateRequest(context.Background(), input); err != nil && !injected &&
		(rec.status < http.StatusBadRequest || rec.status >= http.StatusInternalServerError) &&
		!v.onlyGrantedScopes(r, err) {
		v.t.Errorf("%s: the request does not match the OpenAPI document, yet the emulator answered %d: %v", exchange, rec.status, err)
	}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 rec.status,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	})
	if err != nil {
		v.t.Errorf("%s: the %d response does not match the OpenAPI document: %v\nbody: %s", exchange, rec.status, err, rec.body.String())
	}
}

// onlyGrantedScopes reports whether every problem in err is an allowed_scopes
// entry outside the published catalog that the partner was granted.
func (v *validator) onlyGrantedScopes(r *http.Request, err error) bool {
	if v.server == nil {
		return false
	}
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	var leaves []*openapi3.SchemaError
	if !schemaErrors(err, &leaves) || len(leaves) == 0 {
		return false
	}
	for _, e := range leaves {
		pointer := e.JSONPointer()
		scope, isString := e.Value.(string)
		if e.SchemaField != "enum" || len(pointer) != 2 || pointer[0] != "allowed_scopes" || !isString ||
			!v.server.ScopeAllowed(token, scope) {
			return false
		}
	}
	return true
}

// schemaErrors collects the schema errors err is made of; it reports false
// when err holds anything else.
func schemaErrors(err error, into *[]*openapi3.SchemaError) bool {
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, inner := range e {
			if !schemaErrors(inner, into) {
				return false
			}
		}
		return true
	case *openapi3filter.RequestError:
		return e.Err != nil && schemaErrors(e.Err, into)
	case *openapi3.SchemaError:
		*into = append(*into, e)
		return true
	}
	return false
}

func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if token, ok := strings.CutPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer "); !ok || token == "" {
		return errors.New("no bearer token")
	}
	return nil
}

// recorder passes a response through while keeping a copy of it.
type recorder struct {
	http.ResponseWriter
	status   int
	body     bytes.Buffer
	wrote    bool
	hijacked bool
}

func (rec *recorder) WriteHeader(status int) {
	rec.status = status
	rec.wrote = true
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(p []byte) (int, error) {
	rec.wrote = true
	rec.body.Write(p)
	return rec.ResponseWriter.Write(p)
}

func (rec *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	rec.hijacked = true
	return http.NewResponseController(rec.ResponseWriter).Hijack()
}

func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }
