package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

var (
	_ datasource.DataSource              = (*partnerDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*partnerDataSource)(nil)
)

// NewPartnerDataSource returns the flexslot_partner data source.
func NewPartnerDataSource() datasource.DataSource { return &partnerDataSource{} }

type partnerDataSource struct {
	data *providerData
}

type partnerDataSourceModel struct {
	ID              types.String   `tfsdk:"id"`
	Slug            types.String   `tfsdk:"slug"`
	Name            types.String   `tfsdk:"name"`
	ContactEmail    types.String   `tfsdk:"contact_email"`
	WebsiteURL      types.String   `tfsdk:"website_url"`
	APIKeyPrefix    types.String   `tfsdk:"api_key_prefix"`
	Scopes          types.List     `tfsdk:"scopes"`
	GameScopes      types.List     `tfsdk:"game_scopes"`
	AllowedOrigins  types.List     `tfsdk:"allowed_origins"`
	RateLimitTier   types.String   `tfsdk:"rate_limit_tier"`
	Status          types.String   `tfsdk:"status"`
	SecretRotatedAt types.String   `tfsdk:"secret_rotated_at"`
	LastUsedAt      types.String   `tfsdk:"last_used_at"`
	CreatedAt       types.String   `tfsdk:"created_at"`
	UpdatedAt       types.String   `tfsdk:"updated_at"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

func (d *partnerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partner"
}

func (d *partnerDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Description: description, Computed: true}
	}
	list := func(description string) schema.ListAttribute {
		return schema.ListAttribute{Description: description, Computed: true, ElementType: types.StringType}
	}
	resp.Schema = schema.Schema{
		Description: "The partner row of the user whose Personal Access Token the provider uses (`GET /me/partner`): " +
			"the partner's identity, its scopes, rate-limit tier and status, and the prefix of its current API key. " +
			"Never exposes a key or a hash. Read once per provider run, shared with the plan-time checks of " +
			"`flexslot_oauth2_client`.",
		Attributes: map[string]schema.Attribute{
			"id":             str("The partner's UUID."),
			"slug":           str("The partner's slug: letters, digits, `-` and `_`."),
			"name":           str("The partner's name."),
			"contact_email":  str("The partner's contact email address."),
			"website_url":    str("The partner's website."),
			"api_key_prefix": str("The first 12 characters of the partner's current API key, as Flexslot shows them in logs."),
			"scopes": list("The scopes Flexslot granted the partner. A client may use these and the published " +
				"catalog; a scope in neither is refused at plan."),
			"game_scopes":     list("The game scopes Flexslot granted the partner."),
			"allowed_origins": list("The origins allowed to call the API from a browser."),
			"rate_limit_tier": str("`standard` (1000 requests a minute) or `premium` (20000 requests a minute)."),
			"status": str(codeList("or", rules.Statuses()...) + ". Flexslot creates no clients for a partner that is " +
				"not active, so `flexslot_oauth2_client` fails at plan then."),
			"secret_rotated_at": str("When the partner's signing secret was last rotated (RFC 3339); null when never."),
			"last_used_at":      str("When the partner's credentials were last used (RFC 3339); null when never."),
			"created_at":        str("When the partner was created (RFC 3339)."),
			"updated_at":        str("When the partner row last changed (RFC 3339)."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

func (d *partnerDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := configuredData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

func (d *partnerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model partnerDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, model.Timeouts.Read, defaultDataSourceReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	defer cancel()

	p, err := d.data.client.Partner.Get(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(opReadPartner, "", err))
		return
	}
	resp.Diagnostics.Append(model.set(ctx, p)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

func (m *partnerDataSourceModel) set(ctx context.Context, p *flexslot.Partner) diag.Diagnostics {
	var diags, d diag.Diagnostics
	m.ID = types.StringValue(p.ID)
	m.Slug = types.StringValue(p.Slug)
	m.Name = types.StringValue(p.Name)
	m.ContactEmail = types.StringValue(p.ContactEmail)
	m.WebsiteURL = types.StringValue(p.WebsiteURL)
	m.APIKeyPrefix = types.StringValue(p.APIKeyPrefix)
	m.RateLimitTier = optionalString(p.RateLimitTier)
	m.Status = optionalString(p.Status)
	m.SecretRotatedAt = timeValue(p.SecretRotatedAt)
	m.LastUsedAt = timeValue(p.LastUsedAt)
	m.CreatedAt = timeValue(&p.CreatedAt)
	m.UpdatedAt = timeValue(&p.UpdatedAt)
	m.Scopes, d = types.ListValueFrom(ctx, types.StringType, p.Scopes)
	diags.Append(d...)
	m.GameScopes, d = types.ListValueFrom(ctx, types.StringType, p.GameScopes)
	diags.Append(d...)
	m.AllowedOrigins, d = types.ListValueFrom(ctx, types.StringType, p.AllowedOrigins)
	diags.Append(d...)
	return diags
}

// optionalString is null for a field the answer left out.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
