package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The resource converts its model to and from Terraform values by hand.
// terraform-plugin-framework's Get and Set walk the struct by reflection and,
// in v1.19.0, compile a regular expression for every field on every call to
// check its tfsdk tag (BenchmarkModelConversion); the resource does that
// several times for every client in every plan. TestModelConversionInStep
// keeps the list below in step with the schema and the struct tags.

// modelField is one attribute of oauth2ClientModel: its name in the schema
// and the field holding it.
type modelField struct {
	name string
	ptr  any // *types.String, *types.Bool, *types.Int64, *types.Set, *types.Map or *timeouts.Value
}

// fields lists every attribute of the model, as its tfsdk tags name them.
func (m *oauth2ClientModel) fields() []modelField {
	return []modelField{
		{"id", &m.ID},
		{"client_id", &m.ClientID},
		{"application_name", &m.ApplicationName},
		{"client_type", &m.ClientType},
		{"redirect_uris", &m.RedirectURIs},
		{"allowed_scopes", &m.AllowedScopes},
		{"grant_types", &m.GrantTypes},
		{"application_url", &m.ApplicationURL},
		{"application_logo_url", &m.ApplicationLogoURL},
		{"privacy_policy_url", &m.PrivacyPolicyURL},
		{"tos_url", &m.TosURL},
		{"require_pkce", &m.RequirePKCE},
		{"dpop_bound_access_tokens", &m.DPoPBoundAccessTokens},
		{"rotation_triggers", &m.RotationTriggers},
		{"deletion_protection", &m.DeletionProtection},
		{"secret_recipients", &m.SecretRecipients},
		{"rotate_when_stale", &m.RotateWhenStale},
		{"rotation_period", &m.RotationPeriod},
		{"client_secret", &m.ClientSecret},
		{"client_secret_encrypted", &m.ClientSecretEncrypted},
		{"secret_rotated_at", &m.SecretRotatedAt},
		{"secret_current", &m.SecretCurrent},
		{"secret_version", &m.SecretVersion},
		{"status", &m.Status},
		{"created_at", &m.CreatedAt},
		{"timeouts", &m.Timeouts},
	}
}

// modelTypes is the resource schema's type, built once.
var modelTypes = sync.OnceValues(func() (map[string]attr.Type, tftypes.Object) {
	var resp resource.SchemaResponse
	(&oauth2ClientResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	typ, ok := resp.Schema.Type().(attr.TypeWithAttributeTypes)
	if !ok {
		panic(fmt.Sprintf("the resource schema's type %T has no attribute types", resp.Schema.Type()))
	}
	obj, ok := typ.TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		panic(fmt.Sprintf("the resource schema's Terraform type %T is not an object", typ.TerraformType(context.Background())))
	}
	return typ.AttributeTypes(), obj
})

// getModel reads a state, plan or configuration value into m, as
// tfsdk.State.Get would.
func getModel(ctx context.Context, raw tftypes.Value, m *oauth2ClientModel) diag.Diagnostics {
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		return conversionError(err)
	}
	types, _ := modelTypes()
	for _, f := range m.fields() {
		typ, ok := types[f.name]
		if !ok {
			return conversionError(fmt.Errorf("the schema has no attribute %q", f.name))
		}
		v, err := typ.ValueFromTerraform(ctx, attrs[f.name])
		if err != nil {
			return conversionError(fmt.Errorf("%s: %w", f.name, err))
		}
		if !f.set(v) {
			return conversionError(fmt.Errorf("%s: cannot hold a %T", f.name, v))
		}
	}
	return nil
}

// setModel writes m into a state or plan value, as tfsdk.State.Set would.
func setModel(ctx context.Context, raw *tftypes.Value, m *oauth2ClientModel) diag.Diagnostics {
	_, typ := modelTypes()
	fields := m.fields()
	values := make(map[string]tftypes.Value, len(fields))
	for _, f := range fields {
		v, err := f.value().ToTerraformValue(ctx)
		if err != nil {
			return conversionError(fmt.Errorf("%s: %w", f.name, err))
		}
		values[f.name] = v
	}
	if err := tftypes.ValidateValue(typ, values); err != nil {
		return conversionError(err)
	}
	*raw = tftypes.NewValue(typ, values)
	return nil
}

func (f modelField) set(v attr.Value) (ok bool) {
	switch p := f.ptr.(type) {
	case *types.String:
		*p, ok = v.(types.String)
	case *types.Bool:
		*p, ok = v.(types.Bool)
	case *types.Int64:
		*p, ok = v.(types.Int64)
	case *types.Set:
		*p, ok = v.(types.Set)
	case *types.Map:
		*p, ok = v.(types.Map)
	case *timeouts.Value:
		*p, ok = v.(timeouts.Value)
	}
	return ok
}

func (f modelField) value() attr.Value {
	switch p := f.ptr.(type) {
	case *types.String:
		return *p
	case *types.Bool:
		return *p
	case *types.Int64:
		return *p
	case *types.Set:
		return *p
	case *types.Map:
		return *p
	case *timeouts.Value:
		return *p
	}
	panic(fmt.Sprintf("modelField %s: unexpected %T", f.name, f.ptr))
}

func conversionError(err error) diag.Diagnostics {
	return diag.Diagnostics{providerBugDiagnostic("Model conversion error", err.Error())}
}
