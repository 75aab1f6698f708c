package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

// clientLimit is how many active or suspended clients a partner may hold.
const clientLimit = 10

// clientIDPattern is flx_client_ followed by a 26-character ULID (Crockford base32).
var clientIDPattern = regexp.MustCompile(`^flx_client_[0-9A-HJKMNP-TV-Z]{26}$`)

// parseClientID checks an import ID or identity value.
func parseClientID(id string) error {
	if clientIDPattern.MatchString(id) {
		return nil
	}
	return fmt.Errorf("%q is not a Flexslot client ID: expected flx_client_ followed by 26 characters "+
		"(a ULID), such as flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y. Copy it from the dashboard or from "+
		"the flexslot_oauth2_clients data source", id)
}

// setClient copies the server's view of the client into the model. The secret
// and its timestamp are left alone: only create and rotate return them.
func (m *oauth2ClientModel) setClient(ctx context.Context, c *flexslot.OAuth2Client) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ClientID = types.StringValue(c.ClientID)
	m.ApplicationName = types.StringValue(c.ApplicationName)
	m.ClientType = types.StringValue(c.ClientType)
	m.Status = types.StringValue(c.Status)
	m.CreatedAt = timeValue(&c.CreatedAt)
	m.RedirectURIs, diags = stringSet(ctx, c.RedirectURIs, diags)
	m.AllowedScopes, diags = stringSet(ctx, c.AllowedScopes, diags)
	return diags
}

// setIssuedSecret stores a secret from a create or rotate response.
func (m *oauth2ClientModel) setIssuedSecret(issued *flexslot.IssuedSecret) {
	if issued.Secret == "" {
		m.ClientSecret = types.StringNull()
		m.SecretRotatedAt = types.StringNull()
		return
	}
	m.ClientSecret = types.StringValue(issued.Secret)
	m.SecretRotatedAt = timeValue(issued.SecretRotatedAt)
}

func createRequestFromModel(ctx context.Context, m oauth2ClientModel) (flexslot.CreateRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	req := flexslot.CreateRequest{
		ApplicationName: m.ApplicationName.ValueString(),
		ClientType:      m.ClientType.ValueString(),
	}
	req.RedirectURIs, diags = stringSlice(ctx, m.RedirectURIs, diags)
	req.AllowedScopes, diags = stringSlice(ctx, m.AllowedScopes, diags)
	return req, diags
}

// updateRequestFromModels builds a PATCH carrying only the fields that differ
// between state and plan; changed is false when there is nothing to send.
func updateRequestFromModels(ctx context.Context, state, plan oauth2ClientModel) (req flexslot.UpdateRequest, changed bool, diags diag.Diagnostics) {
	if !plan.ApplicationName.Equal(state.ApplicationName) {
		name := plan.ApplicationName.ValueString()
		req.ApplicationName = &name
		changed = true
	}
	if !plan.RedirectURIs.Equal(state.RedirectURIs) {
		req.RedirectURIs, diags = stringSlice(ctx, plan.RedirectURIs, diags)
		changed = true
	}
	if !plan.AllowedScopes.Equal(state.AllowedScopes) {
		req.AllowedScopes, diags = stringSlice(ctx, plan.AllowedScopes, diags)
		changed = true
	}
	return req, changed, diags
}

func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, clientID string) diag.Diagnostics {
	if identity == nil {
		// The CLI does not support resource identity.
		return nil
	}
	return identity.Set(ctx, oauth2ClientIdentityModel{ClientID: types.StringValue(clientID)})
}

func timeValue(t *time.Time) types.String {
	if t == nil || t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339Nano))
}

func stringSet(ctx context.Context, values []string, diags diag.Diagnostics) (types.Set, diag.Diagnostics) {
	set, d := types.SetValueFrom(ctx, types.StringType, values)
	return set, append(diags, d...)
}

// stringSlice returns a set's strings in a stable order, so requests are reproducible.
func stringSlice(ctx context.Context, set types.Set, diags diag.Diagnostics) ([]string, diag.Diagnostics) {
	var values []string
	diags.Append(set.ElementsAs(ctx, &values, false)...)
	slices.Sort(values)
	return values, diags
}
