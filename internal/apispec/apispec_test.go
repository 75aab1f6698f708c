package apispec

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
)

const (
	base = "/api/public/v1/me/partner/oauth2-clients"
	me   = "/api/public/v1/me"
)

// partner is a partner row with every published field.
const partner = `{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","slug":"deck-builder","name":"Deck Builder",
	"contact_email":"dev@decks.example.com","website_url":"https://decks.example.com","api_key_prefix":"flx_pk_1a2b3",
	"scopes":["cards:read","decks:read-all"],"game_scopes":["mtg"],"allowed_origins":["https://decks.example.com"],
	"rate_limit_tier":"standard","status":"active","secret_rotated_at":null,"last_used_at":null,
	"created_at":"2026-06-02T18:00:00Z","updated_at":"2026-06-02T18:00:00Z"}`

func TestLoadIsValidAndCached(t *testing.T) {
	first, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	second, err := Load()
	if err != nil || first != second {
		t.Fatal("Load does not return the cached document")
	}
	if len(Document()) == 0 {
		t.Fatal("empty document")
	}
}

func TestEveryOperationDeclaresTheContractStatuses(t *testing.T) {
	doc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{
		"GET " + base:                                   {200, 401},
		"POST " + base:                                  {200, 201, 400, 401, 403, 409, 422},
		"GET " + base + "/{client_id}":                  {200, 401, 404},
		"PATCH " + base + "/{client_id}":                {200, 400, 401, 404, 405},
		"DELETE " + base + "/{client_id}":               {204, 401, 404},
		"POST " + base + "/{client_id}/rotate-secret":   {200, 401, 404, 409, 422},
		"GET /api/public/v1/me/partner":                 {200, 401},
		"POST /api/public/v1/me/partner/rotate-api-key": {200, 401, 403, 422},
		"GET /api/public/v1/me/access-tokens/":          {200, 401},
	}
	seen := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			statuses, ok := want[key]
			if !ok {
				t.Errorf("unexpected operation %s", key)
				continue
			}
			seen++
			for _, status := range append(statuses, 429, 502, 503, 504) {
				resp := op.Responses.Status(status)
				if resp == nil {
					t.Errorf("%s does not declare %d", key, status)
					continue
				}
				if resp.Value.Headers["X-Request-Id"] == nil {
					t.Errorf("%s %d does not declare X-Request-Id", key, status)
				}
			}
			for _, status := range []int{429, 502, 503, 504} {
				if op.Responses.Status(status).Value.Headers["Retry-After"] == nil {
					t.Errorf("%s %d does not declare Retry-After", key, status)
				}
			}
			if op.RequestBody != nil {
				schema := op.RequestBody.Value.Content.Get("application/json").Schema.Value
				if schema.AdditionalProperties.Has == nil || *schema.AdditionalProperties.Has {
					t.Errorf("%s request body accepts unknown fields", key)
				}
			}
			if method == http.MethodPost && op.Parameters.GetByInAndName("header", "Idempotency-Key") == nil {
				t.Errorf("%s does not declare Idempotency-Key", key)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of %d operations", seen, len(want))
	}
	if doc.Components.SecuritySchemes["personalAccessToken"].Value.Scheme != "bearer" {
		t.Error("no bearer security scheme")
	}
}

func validate(t *testing.T, method, path, requestBody string, status int, responseBody string) (requestErr, responseErr error) {
	t.Helper()
	router, err := NewRouter()
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(method, "http://127.0.0.1:1234"+path, strings.NewReader(requestBody))
	req.Header.Set("Authorization", "Bearer flx_pat_x")
	req.Header.Set("Content-Type", "application/json")
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	input := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	requestErr = openapi3filter.ValidateRequest(t.Context(), input)
	header := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req_1"}}
	responseErr = openapi3filter.ValidateResponse(t.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader([]byte(responseBody))),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	})
	return requestErr, responseErr
}

// client is the contract's example client object.
const client = `{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","client_id":"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y",
	"client_type":"confidential","application_name":"Deck Builder","application_url":"https://decks.example.com",
	"application_logo_url":"","privacy_policy_url":"https://decks.example.com/privacy","tos_url":"",
	"redirect_uris":["https://decks.example.com/oauth/callback"],"allowed_scopes":["decks:read"],
	"grant_types":["authorization_code","refresh_token"],"require_pkce":true,"dpop_bound_access_tokens":false,
	"status":"active","secret_rotated_at":"2026-06-02T18:00:00Z","last_used_at":null,
	"created_at":"2026-06-02T18:00:00Z","updated_at":"2026-06-02T18:00:00Z"`

func TestDocumentMatchesTheContractExamples(t *testing.T) {
	create := `{"application_name":"Deck Builder","redirect_uris":["https://decks.example.com/oauth/callback"],"allowed_scopes":["decks:read"]}`
	// The published create example body, with its defaults spelled out.
	createAll := `{"application_name":"Deck Builder","redirect_uris":["https://decks.example.com/oauth/callback"],"allowed_scopes":[],
		"client_type":"confidential","grant_types":["authorization_code","refresh_token"],
		"application_url":"","application_logo_url":"","privacy_policy_url":"","tos_url":""}`
	oneTime := `{"client":` + client + `},"plaintext_client_secret":"flx_cs_01HX2K5V7Q9M3N4P6R8S0T2W4Y0123456789abcdef0123456789abcdef","secret_rotated_at":"2026-06-02T18:00:00Z"}`
	publicClient := strings.NewReplacer(`"confidential"`, `"public"`, `"secret_rotated_at":"2026-06-02T18:00:00Z"`, `"secret_rotated_at":null`).Replace(client)
	errBody := func(code, field string) string {
		return `{"error":{"code":"` + code + `","message":"x","field":"` + field + `"}}`
	}
	tests := []struct {
		name, method, path, request string
		status                      int
		response                    string
		wantRequestErr, wantRespErr bool
	}{
		{"list is a bare array", "GET", base, "", 200, `[` + client + `}]`, false, false},
		{"empty list", "GET", base, "", 200, `[]`, false, false},
		{"list in an object", "GET", base, "", 200, `{"clients":[` + client + `}]}`, false, true},
		{"unknown response fields are allowed", "GET", base, "", 200, `[` + client + `,"new":1}]`, false, false},
		{"a missing published field", "GET", base, "", 200, `[` + strings.Replace(client, `"last_used_at":null,`, "", 1) + `}]`, false, true},
		{"a seed client id", "GET", base, "", 200, `[` + strings.Replace(client, "cli_", "flx_client_", 1) + `}]`, false, false},
		{"an opaque client id", "GET", base, "", 200, `[` + strings.Replace(client, "cli_", "cli/é.", 1) + `}]`, false, false},
		{"a client id with a space", "GET", base, "", 200, `[` + strings.Replace(client, "cli_", "cli ", 1) + `}]`, false, true},
		{"a client id with a control character", "GET", base, "", 200, `[` + strings.Replace(client, "cli_", `cli\u0007`, 1) + `}]`, false, true},
		{"revoke without a revoke endpoint", "DELETE", base + "/x", "", 405, errBody("FLEXSLOT_METHOD_NOT_ALLOWED", ""), false, false},
		{"an http consent URL", "POST", base, strings.Replace(create, "}", `,"tos_url":"http://decks.example.com/tos"}`, 1), 201, oneTime, false, false},
		{"revoked is a published status", "GET", base, "", 200, `[` + strings.Replace(client, `"active"`, `"revoked"`, 1) + `}]`, false, false},
		{"unknown status", "GET", base, "", 200, `[` + strings.Replace(client, `"active"`, `"paused"`, 1) + `}]`, false, true},
		{"create", "POST", base, create, 201, oneTime, false, false},
		{"create answering 200", "POST", base, create, 200, oneTime, false, false},
		{"create with every published field", "POST", base, createAll, 201, oneTime, false, false},
		{"create public", "POST", base, create, 201, `{"client":` + publicClient + `},"plaintext_client_secret":"","secret_rotated_at":null}`, false, false},
		{"create without redirect_uris", "POST", base, `{"application_name":"x","allowed_scopes":[]}`, 400, errBody("FLEXSLOT_VALIDATION_ERROR", "redirect_uris"), true, false},
		{"unknown request field", "POST", base, strings.Replace(create, "{", `{"extra":1,`, 1), 400, errBody("FLEXSLOT_VALIDATION_ERROR", "extra"), true, false},
		{"name of 255 characters", "POST", base, strings.Replace(create, "Deck Builder", strings.Repeat("é", 255), 1), 201, oneTime, false, false},
		{"name of 256 characters", "POST", base, strings.Replace(create, "Deck Builder", strings.Repeat("é", 256), 1), 400, errBody("FLEXSLOT_VALIDATION_ERROR", "application_name"), true, false},
		{"redirect URI of 513 characters", "POST", base, strings.Replace(create, "oauth/callback", strings.Repeat("a", 513), 1), 400, errBody("FLEXSLOT_INVALID_REDIRECT_URI", "redirect_uris[0]"), true, false},
		{"scope outside the catalog", "POST", base, strings.Replace(create, "decks:read", "decks:read-all", 1), 400, errBody("FLEXSLOT_INVALID_SCOPE", "allowed_scopes[0]"), true, false},
		{"unknown grant type", "POST", base, strings.Replace(create, "}", `,"grant_types":["client_credentials"]}`, 1), 400, errBody("FLEXSLOT_VALIDATION_ERROR", "grant_types[0]"), true, false},
		{"limit", "POST", base, create, 409, errBody("FLEXSLOT_CLIENT_LIMIT_REACHED", ""), false, false},
		{"lower-case error code", "POST", base, create, 409, errBody("client_limit_reached", ""), false, true},
		{"get", "GET", base + "/cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y", "", 200, `{"client":` + client + `}}`, false, false},
		{"get without client", "GET", base + "/x", "", 200, `{}`, false, true},
		{"patch", "PATCH", base + "/x", `{"application_name":"New","grant_types":["authorization_code"],"tos_url":"https://decks.example.com/tos"}`, 200, `{"client":` + client + `}}`, false, false},
		{"patch client_type", "PATCH", base + "/x", `{"client_type":"public"}`, 400, errBody("FLEXSLOT_IMMUTABLE_FIELD", "client_type"), true, false},
		{"patch without update", "PATCH", base + "/x", `{"application_name":"New"}`, 405, errBody("FLEXSLOT_METHOD_NOT_ALLOWED", ""), false, false},
		{"rotate", "POST", base + "/x/rotate-secret", "", 200, oneTime, false, false},
		{"rotate without the envelope", "POST", base + "/x/rotate-secret", "", 200, `{"client":` + client + `}}`, false, true},
		{"revoke", "DELETE", base + "/x", "", 204, ``, false, false},
		{"undeclared status", "GET", base + "/x", "", 418, errBody("FLEXSLOT_X", ""), false, false},
		{"error without code", "GET", base + "/x", "", 404, `{"error":{"message":"y"}}`, false, true},
		{"partner row", "GET", me + "/partner", "", 200, partner, false, false},
		{"partner row without status", "GET", me + "/partner", "", 200, strings.Replace(partner, `"status":"active",`, "", 1), false, true},
		{"partner status unknown", "GET", me + "/partner", "", 200, strings.Replace(partner, `"active"`, `"paused"`, 1), false, true},
		{"partner tier unknown", "GET", me + "/partner", "", 200, strings.Replace(partner, `"standard"`, `"gold"`, 1), false, true},
		{"partner game scope pattern", "GET", me + "/partner", "", 200, strings.Replace(partner, `"mtg"`, `"m t g"`, 1), false, true},
		// The placeholders break the published slug and game scope patterns.
		{"published partner example, status and tier added", "GET", me + "/partner", "", 200,
			strings.NewReplacer("{", `{"rate_limit_tier":"premium","status":"suspended",`, `"<string>"`, `"x"`).Replace(PartnerExample()), false, false},
		{"published partner example as it stands", "GET", me + "/partner", "", 200, PartnerExample(), false, true},
		{"rotate api key", "POST", me + "/partner/rotate-api-key", "", 200, RotateAPIKeyExample(), false, false},
		{"rotate api key without prefix", "POST", me + "/partner/rotate-api-key", "", 200, `{"plaintext_api_key":"flx_pk_x"}`, false, true},
		{"inactive partner", "POST", me + "/partner/rotate-api-key", "", 403, errBody("FLEXSLOT_PARTNER_NOT_ACTIVE", ""), false, false},
		{"access token", "GET", me + "/access-tokens/", "", 200, AccessTokenExample(), false, false},
		{"access token without expiry", "GET", me + "/access-tokens/", "", 200,
			`{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","name":"ci","token_prefix":"flx_pat_abcd","scopes":[],"created_at":"2026-06-02T18:00:00Z","expires_at":null}`, false, false},
		{"access token prefix of 13", "GET", me + "/access-tokens/", "", 200,
			`{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","name":"ci","token_prefix":"flx_pat_abcde","scopes":[],"created_at":"2026-06-02T18:00:00Z"}`, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reqErr, respErr := validate(t, tt.method, tt.path, tt.request, tt.status, tt.response)
			if (reqErr != nil) != tt.wantRequestErr {
				t.Errorf("request error: %v", reqErr)
			}
			if (respErr != nil) != tt.wantRespErr {
				t.Errorf("response error: %v", respErr)
			}
		})
	}
}
