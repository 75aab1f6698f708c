package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

// oauth2ClientModel is the flexslot_oauth2_client resource's state and plan.
type oauth2ClientModel struct {
	ID                    types.String   `tfsdk:"id"`
	ClientID              types.String   `tfsdk:"client_id"`
	ApplicationName       types.String   `tfsdk:"application_name"`
	ClientType            types.String   `tfsdk:"client_type"`
	RedirectURIs          types.Set      `tfsdk:"redirect_uris"`
	AllowedScopes         types.Set      `tfsdk:"allowed_scopes"`
	GrantTypes            types.Set      `tfsdk:"grant_types"`
	ApplicationURL        types.String   `tfsdk:"application_url"`
	ApplicationLogoURL    types.String   `tfsdk:"application_logo_url"`
	PrivacyPolicyURL      types.String   `tfsdk:"privacy_policy_url"`
	TosURL                types.String   `tfsdk:"tos_url"`
	RequirePKCE           types.Bool     `tfsdk:"require_pkce"`
	DPoPBoundAccessTokens types.Bool     `tfsdk:"dpop_bound_access_tokens"`
	RotationTriggers      types.Map      `tfsdk:"rotation_triggers"`
	DeletionProtection    types.Bool     `tfsdk:"deletion_protection"`
	SecretRecipients      types.Set      `tfsdk:"secret_recipients"`
	RotateWhenStale       types.Bool     `tfsdk:"rotate_when_stale"`
	RotationPeriod        types.String   `tfsdk:"rotation_period"`
	ClientSecret          types.String   `tfsdk:"client_secret"`
	ClientSecretEncrypted types.String   `tfsdk:"client_secret_encrypted"`
	SecretRotatedAt       types.String   `tfsdk:"secret_rotated_at"`
	SecretCurrent         types.Bool     `tfsdk:"secret_current"`
	SecretVersion         types.Int64    `tfsdk:"secret_version"`
	Status                types.String   `tfsdk:"status"`
	CreatedAt             types.String   `tfsdk:"created_at"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
}

type oauth2ClientIdentityModel struct {
	ClientID types.String `tfsdk:"client_id"`
}

// parseClientID checks an import ID or identity value. Client IDs are opaque;
// the error quotes id, so no control character from it reaches a terminal.
func parseClientID(id string) error {
	if problems := rules.ClientIDProblems(id); len(problems) > 0 {
		return fmt.Errorf("the client ID %q %s. Copy it from the dashboard or from the flexslot_oauth2_clients "+
			"data source", id, strings.Join(problems, "; "))
	}
	return nil
}

// setClient copies the server's view of the client into the model, as a
// refresh or an import does. The secret and its timestamp are left alone: only
// create and rotate return them.
func (m *oauth2ClientModel) setClient(ctx context.Context, c *flexslot.OAuth2Client) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(c.ClientID)
	m.ClientID = types.StringValue(c.ClientID)
	m.ApplicationName = types.StringValue(c.ApplicationName)
	m.ClientType = types.StringValue(c.ClientType)
	m.ApplicationURL = types.StringValue(c.ApplicationURL)
	m.ApplicationLogoURL = types.StringValue(c.ApplicationLogoURL)
	m.PrivacyPolicyURL = types.StringValue(c.PrivacyPolicyURL)
	m.TosURL = types.StringValue(c.TosURL)
	m.RequirePKCE = types.BoolValue(c.RequirePKCE)
	m.DPoPBoundAccessTokens = types.BoolValue(c.DPoPBoundAccessTokens)
	m.Status = types.StringValue(c.Status)
	m.CreatedAt = timeValue(&c.CreatedAt)
	m.RedirectURIs, diags = stringSet(ctx, c.RedirectURIs, diags)
	m.AllowedScopes, diags = stringSet(ctx, c.AllowedScopes, diags)
	m.GrantTypes, diags = stringSet(ctx, c.GrantTypes, diags)
	return diags
}

// fillUnknown sets only the attributes a plan left unknown from the server's
// answer. After create and update the new state must equal the plan for every
// value the plan knew; whatever Flexslot changed on its own shows up as drift
// at the next refresh.
func (m *oauth2ClientModel) fillUnknown(ctx context.Context, c *flexslot.OAuth2Client) diag.Diagnostics {
	var server oauth2ClientModel
	diags := server.setClient(ctx, c)
	fillString(&m.ID, server.ID)
	fillString(&m.ClientID, server.ClientID)
	fillString(&m.Status, server.Status)
	fillString(&m.CreatedAt, server.CreatedAt)
	if m.GrantTypes.IsUnknown() {
		m.GrantTypes = server.GrantTypes
	}
	if m.RequirePKCE.IsUnknown() {
		m.RequirePKCE = server.RequirePKCE
	}
	if m.DPoPBoundAccessTokens.IsUnknown() {
		m.DPoPBoundAccessTokens = server.DPoPBoundAccessTokens
	}
	return diags
}

func fillString(planned *types.String, server types.String) {
	if planned.IsUnknown() {
		*planned = server
	}
}

// setIssuedSecret stores a secret from a create or rotate response: in
// client_secret, or sealed to secret_recipients in client_secret_encrypted so
// that the plaintext is never written. If sealing fails, no secret is stored
// and the error says so; the client keeps a secret nobody holds.
func (m *oauth2ClientModel) setIssuedSecret(ctx context.Context, issued *flexslot.IssuedSecret) (diags diag.Diagnostics) {
	m.ClientSecret, m.ClientSecretEncrypted = types.StringNull(), types.StringNull()
	if issued.Secret == "" {
		m.SecretRotatedAt, m.SecretCurrent = types.StringNull(), types.BoolNull()
		return nil
	}
	m.SecretRotatedAt = timeValue(issued.SecretRotatedAt)
	plain, sealed, diags, err := secretForms(ctx, issued.Secret, m.SecretRecipients)
	if err != nil {
		diags.Append(sealingFailedDiagnostic(issued.Client.ClientID, err))
	}
	m.ClientSecret, m.ClientSecretEncrypted = plain, sealed
	m.SecretCurrent = types.BoolValue(!diags.HasError())
	return diags
}

// sealsSecret reports whether the secret is to be kept only encrypted.
func (m *oauth2ClientModel) sealsSecret() bool {
	return sealsTo(m.SecretRecipients)
}

// holdsSecret reports whether state holds the client's secret in either form.
func (m *oauth2ClientModel) holdsSecret() bool {
	return !m.ClientSecret.IsNull() || !m.ClientSecretEncrypted.IsNull()
}

// isPublic reports whether the model describes a public client, which has no secret.
func (m *oauth2ClientModel) isPublic() bool {
	return m.ClientType.ValueString() == rules.ClientTypePublic
}

// secretRotationPlanned reports whether applying plan over state rotates the
// secret, and why. A confidential client rotates when rotation_triggers is set,
// not empty, and differs from state (removing the triggers, or setting {}, stops
// scheduled rotation without rotating); when secret_recipients changes, since a
// secret once held in one form must not stay valid in another; and, with
// rotate_when_stale, when state holds no current secret.
func secretRotationPlanned(state, plan oauth2ClientModel) (bool, string) {
	if plan.isPublic() {
		return false, ""
	}
	return secretRotationReason(state.RotationTriggers, plan.RotationTriggers, state.SecretRecipients, plan.SecretRecipients,
		plan.RotateWhenStale, state.SecretCurrent, "secret")
}

// secretIsStale reports whether the secret in state was replaced outside
// Terraform, such as by "Rotate secret" in the dashboard.
func secretIsStale(state oauth2ClientModel, client *flexslot.OAuth2Client) bool {
	if !state.holdsSecret() || client.SecretRotatedAt == nil {
		return false
	}
	held, err := time.Parse(time.RFC3339Nano, state.SecretRotatedAt.ValueString())
	return err == nil && client.SecretRotatedAt.After(held)
}

// secretCurrent is secret_current after a refresh: null for a public client,
// false when state holds no secret or one that was rotated outside Terraform.
func secretCurrent(state oauth2ClientModel, client *flexslot.OAuth2Client) types.Bool {
	if client.ClientType == rules.ClientTypePublic {
		return types.BoolNull()
	}
	return types.BoolValue(state.holdsSecret() && !secretIsStale(state, client))
}

func createRequestFromModel(ctx context.Context, m oauth2ClientModel) (flexslot.CreateRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	req := flexslot.CreateRequest{
		ApplicationName:    m.ApplicationName.ValueString(),
		ClientType:         m.ClientType.ValueString(),
		ApplicationURL:     m.ApplicationURL.ValueString(),
		ApplicationLogoURL: m.ApplicationLogoURL.ValueString(),
		PrivacyPolicyURL:   m.PrivacyPolicyURL.ValueString(),
		TosURL:             m.TosURL.ValueString(),
	}
	req.RedirectURIs, diags = stringSlice(ctx, m.RedirectURIs, diags)
	req.AllowedScopes, diags = stringSlice(ctx, m.AllowedScopes, diags)
	if !m.GrantTypes.IsUnknown() {
		req.GrantTypes, diags = stringSlice(ctx, m.GrantTypes, diags)
	}
	return req, diags
}

// updateRequestFromModels builds a PATCH carrying only the fields that differ
// between state and plan, and names them; fields is empty when there is nothing to send.
func updateRequestFromModels(ctx context.Context, state, plan oauth2ClientModel) (req flexslot.UpdateRequest, fields []string, diags diag.Diagnostics) {
	str := func(name string, planned, prior types.String, dst **string) {
		if !planned.Equal(prior) {
			v := planned.ValueString()
			*dst = &v
			fields = append(fields, name)
		}
	}
	set := func(name string, planned, prior types.Set, dst *[]string) {
		if !planned.Equal(prior) {
			*dst, diags = stringSlice(ctx, planned, diags)
			if *dst == nil {
				*dst = []string{}
			}
			fields = append(fields, name)
		}
	}
	str("application_name", plan.ApplicationName, state.ApplicationName, &req.ApplicationName)
	set("redirect_uris", plan.RedirectURIs, state.RedirectURIs, &req.RedirectURIs)
	set("allowed_scopes", plan.AllowedScopes, state.AllowedScopes, &req.AllowedScopes)
	set("grant_types", plan.GrantTypes, state.GrantTypes, &req.GrantTypes)
	str("application_url", plan.ApplicationURL, state.ApplicationURL, &req.ApplicationURL)
	str("application_logo_url", plan.ApplicationLogoURL, state.ApplicationLogoURL, &req.ApplicationLogoURL)
	str("privacy_policy_url", plan.PrivacyPolicyURL, state.PrivacyPolicyURL, &req.PrivacyPolicyURL)
	str("tos_url", plan.TosURL, state.TosURL, &req.TosURL)
	return req, fields, diags
}

func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, clientID string) diag.Diagnostics {
	if identity == nil {
		// The CLI does not support resource identity.
		return nil
	}
	return identity.SetAttribute(ctx, path.Root("client_id"), clientID)
}

func timeValue(t *time.Time) types.String {
	if t == nil || t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339Nano))
}

// stringSet returns values as a set, empty rather than null when there are none.
func stringSet(_ context.Context, values []string, diags diag.Diagnostics) (types.Set, diag.Diagnostics) {
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	set, d := types.SetValue(types.StringType, elems)
	return set, append(diags, d...)
}

// stringSlice returns a set's strings in a stable order, so requests are reproducible.
func stringSlice(ctx context.Context, set types.Set, diags diag.Diagnostics) ([]string, diag.Diagnostics) {
	var values []string
	diags.Append(set.ElementsAs(ctx, &values, false)...)
	slices.Sort(values)
	return values, diags
}
