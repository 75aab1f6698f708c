package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

// The read-only view of a client that both data sources expose, and the
// filters that the plural data source shares with the list resource.

// oauth2ClientView is the whole client object as Flexslot lists it, without a
// secret: the API never returns one outside create and rotate.
type oauth2ClientView struct {
	ClientID              types.String `tfsdk:"client_id"`
	UUID                  types.String `tfsdk:"uuid"`
	ApplicationName       types.String `tfsdk:"application_name"`
	ClientType            types.String `tfsdk:"client_type"`
	ApplicationURL        types.String `tfsdk:"application_url"`
	ApplicationLogoURL    types.String `tfsdk:"application_logo_url"`
	PrivacyPolicyURL      types.String `tfsdk:"privacy_policy_url"`
	TosURL                types.String `tfsdk:"tos_url"`
	RedirectURIs          types.Set    `tfsdk:"redirect_uris"`
	AllowedScopes         types.Set    `tfsdk:"allowed_scopes"`
	GrantTypes            types.Set    `tfsdk:"grant_types"`
	RequirePKCE           types.Bool   `tfsdk:"require_pkce"`
	DPoPBoundAccessTokens types.Bool   `tfsdk:"dpop_bound_access_tokens"`
	Status                types.String `tfsdk:"status"`
	SecretRotatedAt       types.String `tfsdk:"secret_rotated_at"`
	LastUsedAt            types.String `tfsdk:"last_used_at"`
	CreatedAt             types.String `tfsdk:"created_at"`
	UpdatedAt             types.String `tfsdk:"updated_at"`
}

func clientView(ctx context.Context, c *flexslot.OAuth2Client) (oauth2ClientView, diag.Diagnostics) {
	var diags diag.Diagnostics
	v := oauth2ClientView{
		ClientID:              types.StringValue(c.ClientID),
		UUID:                  types.StringValue(c.ID),
		ApplicationName:       types.StringValue(c.ApplicationName),
		ClientType:            types.StringValue(c.ClientType),
		ApplicationURL:        types.StringValue(c.ApplicationURL),
		ApplicationLogoURL:    types.StringValue(c.ApplicationLogoURL),
		PrivacyPolicyURL:      types.StringValue(c.PrivacyPolicyURL),
		TosURL:                types.StringValue(c.TosURL),
		RequirePKCE:           types.BoolValue(c.RequirePKCE),
		DPoPBoundAccessTokens: types.BoolValue(c.DPoPBoundAccessTokens),
		Status:                types.StringValue(c.Status),
		SecretRotatedAt:       timeValue(c.SecretRotatedAt),
		LastUsedAt:            timeValue(c.LastUsedAt),
		CreatedAt:             timeValue(&c.CreatedAt),
		UpdatedAt:             timeValue(&c.UpdatedAt),
	}
	v.RedirectURIs, diags = stringSet(ctx, c.RedirectURIs, diags)
	v.AllowedScopes, diags = stringSet(ctx, c.AllowedScopes, diags)
	v.GrantTypes, diags = stringSet(ctx, c.GrantTypes, diags)
	return v, diags
}

// clientViews converts clients, keeping their order, and collects their IDs.
// Both results are empty, not nil, when there are no clients.
func clientViews(ctx context.Context, clients []flexslot.OAuth2Client) ([]oauth2ClientView, []string, diag.Diagnostics) {
	var diags diag.Diagnostics
	views := make([]oauth2ClientView, 0, len(clients))
	ids := make([]string, 0, len(clients))
	for i := range clients {
		v, d := clientView(ctx, &clients[i])
		diags.Append(d...)
		views = append(views, v)
		ids = append(ids, clients[i].ClientID)
	}
	return views, ids, diags
}

// clientViewAttributes describes oauth2ClientView but for client_id and
// application_name, whose roles differ between the two data sources.
func clientViewAttributes() map[string]schema.Attribute {
	computedString := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Description: description, Computed: true}
	}
	computedSet := func(description string) schema.SetAttribute {
		return schema.SetAttribute{Description: description, Computed: true, ElementType: types.StringType}
	}
	return map[string]schema.Attribute{
		"uuid": computedString("Flexslot's internal identifier of the client (a UUID). API paths use client_id."),
		"client_type": computedString(fmt.Sprintf("`%s` (has a client secret) or `%s` (no secret, PKCE only).",
			rules.ClientTypeConfidential, rules.ClientTypePublic)),
		"application_url":      computedString("The application's home page shown on the consent screen; empty when unset."),
		"application_logo_url": computedString("The application's logo shown on the consent screen; empty when unset."),
		"privacy_policy_url":   computedString("The privacy policy shown on the consent screen; empty when unset."),
		"tos_url":              computedString("The terms of service shown on the consent screen; empty when unset."),
		"redirect_uris":        computedSet("The redirect URIs registered for the client, matched byte for byte at /authorize."),
		"allowed_scopes":       computedSet("The scopes the client may request."),
		"grant_types":          computedSet("The grant types the client may use."),
		"require_pkce": schema.BoolAttribute{
			Description: "Whether the client must use PKCE.",
			Computed:    true,
		},
		"dpop_bound_access_tokens": schema.BoolAttribute{
			Description: "Whether access tokens issued to the client are DPoP-bound.",
			Computed:    true,
		},
		"status": computedString(fmt.Sprintf("`%s`, or `%s` when Flexslot has suspended the client.",
			rules.StatusActive, rules.StatusSuspended)),
		"secret_rotated_at": computedString("When the client's current secret was issued (RFC 3339); null for public " +
			"clients. The secret itself is never exposed."),
		"last_used_at": computedString("When the client was last used (RFC 3339); null if never. It changes whenever the " +
			"client is used, which is why only the data sources show it."),
		"created_at": computedString("When the client was created (RFC 3339)."),
		"updated_at": computedString("When the client was last changed (RFC 3339)."),
	}
}

// clientFilter holds the optional filters shared by the plural data source and
// the list resource. A null filter matches every client.
type clientFilter struct {
	ClientType      types.String `tfsdk:"client_type"`
	Status          types.String `tfsdk:"status"`
	ApplicationName types.String `tfsdk:"application_name"`
}

// matches reports whether c passes every filter that is set. Revoked clients
// never match: a listed revoked client is gone.
func (f clientFilter) matches(c flexslot.OAuth2Client) bool {
	return rules.CountsTowardLimit(c.Status) &&
		filterMatches(f.ClientType, c.ClientType) &&
		filterMatches(f.Status, c.Status) &&
		filterMatches(f.ApplicationName, c.ApplicationName)
}

func filterMatches(filter types.String, value string) bool {
	return filter.IsNull() || filter.IsUnknown() || filter.ValueString() == value
}

// filterClients returns the clients f matches, in their original order.
func filterClients(clients []flexslot.OAuth2Client, f clientFilter) []flexslot.OAuth2Client {
	var out []flexslot.OAuth2Client
	for _, c := range clients {
		if f.matches(c) {
			out = append(out, c)
		}
	}
	return out
}

// clientFilterDescriptions describe the filters, for both schemas that offer them.
var clientFilterDescriptions = struct{ clientType, status, applicationName string }{
	clientType: "Only clients of this type: " + codeList("or", rules.ClientTypes()...) + ".",
	status: fmt.Sprintf("Only clients with this status: %s. Revoked clients are never listed.",
		codeList("or", rules.StatusActive, rules.StatusSuspended)),
	applicationName: "Only clients whose application_name is exactly this value (case-sensitive).",
}

func clientTypeFilterValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(rules.ClientTypes()...)}
}

func statusFilterValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(rules.StatusActive, rules.StatusSuspended)}
}
