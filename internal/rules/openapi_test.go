package rules_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/flexslot/terraform-provider-flexslot/internal/apispec"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

// TestRulesMatchTheOpenAPIDocument checks every limit, enumeration and pattern
// of internal/rules against internal/apispec/openapi.yaml, so that neither can
// change without the other.
func TestRulesMatchTheOpenAPIDocument(t *testing.T) {
	doc, err := apispec.Load()
	if err != nil {
		t.Fatal(err)
	}
	schema := func(name string) *openapi3.Schema {
		t.Helper()
		ref := doc.Components.Schemas[name]
		if ref == nil || ref.Value == nil {
			t.Fatalf("the document has no schema %s", name)
		}
		return ref.Value
	}
	property := func(s *openapi3.Schema, name string) *openapi3.Schema {
		t.Helper()
		ref := s.Properties[name]
		if ref == nil || ref.Value == nil {
			t.Fatalf("no property %s", name)
		}
		return ref.Value
	}
	show := func(p *uint64) string {
		if p == nil {
			return "none"
		}
		return fmt.Sprint(*p)
	}
	lengths := func(what string, s *openapi3.Schema, minLength, maxLength uint64) {
		t.Helper()
		if s.MinLength != minLength {
			t.Errorf("%s: minLength %d in the document, %d in rules", what, s.MinLength, minLength)
		}
		if s.MaxLength == nil || *s.MaxLength != maxLength {
			t.Errorf("%s: maxLength %s in the document, %d in rules", what, show(s.MaxLength), maxLength)
		}
	}
	enum := func(what string, s *openapi3.Schema, want []string) {
		t.Helper()
		var got []string
		for _, v := range s.Enum {
			got = append(got, fmt.Sprint(v))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: enum %q in the document, %q in rules", what, got, want)
		}
	}

	create := schema("CreateClientRequest")
	update := schema("UpdateClientRequest")
	client := schema("Client")

	// Application name.
	lengths("application_name", property(create, "application_name"), rules.ApplicationNameMinLength, rules.ApplicationNameMaxLength)
	lengths("update application_name", property(update, "application_name"), rules.ApplicationNameMinLength, rules.ApplicationNameMaxLength)

	// Redirect URIs: item lengths, and no count limit.
	for what, s := range map[string]*openapi3.Schema{"create": create, "update": update} {
		uris := property(s, "redirect_uris")
		lengths(what+" redirect_uris[]", uris.Items.Value, rules.RedirectURIMinLength, rules.RedirectURIMaxLength)
		if uris.MaxItems != nil {
			t.Errorf("%s redirect_uris: maxItems %d, but no count limit is published", what, *uris.MaxItems)
		}
	}
	if m := property(client, "redirect_uris").Items.Value.MaxLength; m == nil || *m != rules.RedirectURIMaxLength {
		t.Errorf("client redirect_uris[]: maxLength %s, want %d", show(m), rules.RedirectURIMaxLength)
	}

	// Scopes: the catalog is the create body's enum; the syntax and length are the Scope schema's.
	for what, s := range map[string]*openapi3.Schema{"create": create, "update": update} {
		items := property(s, "allowed_scopes").Items.Value
		enum(what+" allowed_scopes[]", items, rules.ScopeCatalog())
		if items.MaxLength == nil || *items.MaxLength != rules.ScopeMaxLength {
			t.Errorf("%s allowed_scopes[]: maxLength %s, want %d", what, show(items.MaxLength), rules.ScopeMaxLength)
		}
	}
	scope := schema("Scope")
	lengths("Scope", scope, rules.ScopeMinLength, rules.ScopeMaxLength)
	if scope.Pattern != rules.ScopePattern {
		t.Errorf("Scope: pattern %q in the document, %q in rules", scope.Pattern, rules.ScopePattern)
	}
	if property(client, "allowed_scopes").Items.Ref != "#/components/schemas/Scope" {
		t.Error("client allowed_scopes[] is not a Scope")
	}
	for _, s := range rules.ScopeCatalog() {
		if !rules.ValidScope(s) {
			t.Errorf("catalog scope %q breaks the scope syntax", s)
		}
	}

	// Grant types.
	for what, s := range map[string]*openapi3.Schema{"create": create, "update": update} {
		items := property(s, "grant_types").Items.Value
		enum(what+" grant_types[]", items, rules.GrantTypes())
		if items.MaxLength == nil || *items.MaxLength != rules.GrantTypeMaxLength {
			t.Errorf("%s grant_types[]: maxLength %s, want %d", what, show(items.MaxLength), rules.GrantTypeMaxLength)
		}
	}
	if m := property(client, "grant_types").Items.Value.MaxLength; m == nil || *m != rules.GrantTypeMaxLength {
		t.Errorf("client grant_types[]: maxLength %s, want %d", show(m), rules.GrantTypeMaxLength)
	}

	// Client types and statuses.
	enum("client_type", property(create, "client_type"), rules.ClientTypes())
	enum("client client_type", property(client, "client_type"), rules.ClientTypes())
	enum("status", property(client, "status"), rules.Statuses())
	if _, ok := update.Properties["client_type"]; ok {
		t.Error("the update body takes client_type, which is immutable")
	}

	// Consent-screen URLs: in the create and update bodies and the client object.
	for what, s := range map[string]*openapi3.Schema{"create": create, "update": update, "client": client} {
		for _, field := range rules.ConsentURLFields() {
			if _, ok := s.Properties[field]; !ok {
				t.Errorf("%s has no %s", what, field)
			}
		}
	}

	// Required create fields.
	if want := []string{"application_name", "redirect_uris", "allowed_scopes"}; !slices.Equal(create.Required, want) {
		t.Errorf("create requires %q, want %q", create.Required, want)
	}

	// Client IDs.
	id := schema("ClientIDString")
	if id.Pattern != rules.ClientIDPattern || id.MinLength != 1 || id.MaxLength != nil {
		t.Errorf("ClientIDString: pattern %q minLength %d maxLength %s; rules: pattern %q, non-empty, no length published",
			id.Pattern, id.MinLength, show(id.MaxLength), rules.ClientIDPattern)
	}
	if property(client, "client_id") != id {
		t.Error("client client_id is not a ClientIDString")
	}

	// The client limit.
	op := doc.Paths.Find("/api/public/v1/me/partner/oauth2-clients").Post
	if want := fmt.Sprintf("%d active or suspended clients", rules.MaxClients); !strings.Contains(op.Description, want) {
		t.Errorf("the create operation does not say %q", want)
	}
}
