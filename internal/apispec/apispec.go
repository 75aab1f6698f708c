// Package apispec holds the OpenAPI description of Flexslot's partner OAuth2
// client management API. The emulator's responses and the client's requests
// are both validated against it, so neither can drift from the contract.
package apispec

import (
	"context"
	_ "embed"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

//go:embed openapi.yaml
var document []byte

// The examples of the published API reference, copied as they stand,
// placeholders included: the answer of "List the calling partner's OAuth2
// clients", and of "Create a new OAuth2 client" (rotate answers the same
// envelope). The client and the emulator are each checked against them.
var (
	//go:embed examples/list.json
	listExample string
	//go:embed examples/create.json
	createExample string
	//go:embed examples/partner.json
	partnerExample string
	//go:embed examples/access_token.json
	accessTokenExample string
	//go:embed examples/rotate_api_key.json
	rotateAPIKeyExample string
)

// PartnerExample returns the published example of "Read the calling user's
// partner row". It omits rate_limit_tier and status, which the field list of
// the same page marks required.
func PartnerExample() string { return partnerExample }

// AccessTokenExample returns the published example of "Read metadata for the calling PAT".
func AccessTokenExample() string { return accessTokenExample }

// RotateAPIKeyExample returns the published example of "Rotate (or generate) the partner API key".
func RotateAPIKeyExample() string { return rotateAPIKeyExample }

// ListExample returns the published example of the list's answer: a bare array.
func ListExample() string { return listExample }

// CreateExample returns the published example of the one-time-secret envelope.
func CreateExample() string { return createExample }

// Document returns the raw OpenAPI document (YAML).
func Document() []byte {
	return append([]byte(nil), document...)
}

var load = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(document)
	if err != nil {
		return nil, fmt.Errorf("loading the OpenAPI document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validating the OpenAPI document: %w", err)
	}
	return doc, nil
})

// Load returns the parsed and validated document. It is parsed once and
// shared: callers must not modify it.
func Load() (*openapi3.T, error) {
	return load()
}

// NewRouter returns a router that finds the operation for a request to any
// host, so requests to a local emulator match the same routes as requests to
// the production server.
func NewRouter() (routers.Router, error) {
	doc, err := Load()
	if err != nil {
		return nil, err
	}
	anyHost := *doc
	anyHost.Servers = nil
	return gorillamux.NewRouter(&anyHost)
}
