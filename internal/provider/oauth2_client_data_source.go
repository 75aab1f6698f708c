package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

var (
	_ datasource.DataSource              = (*oauth2ClientDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*oauth2ClientDataSource)(nil)
)

// NewOAuth2ClientDataSource returns the flexslot_oauth2_client data source.
func NewOAuth2ClientDataSource() datasource.DataSource { return &oauth2ClientDataSource{} }

type oauth2ClientDataSource struct {
	data *providerData
}

// oauth2ClientDataModel is the non-secret view of a client that both data
// sources expose: the singular one as its whole model, the plural one per
// element of clients.
type oauth2ClientDataModel struct {
	ClientID        types.String `tfsdk:"client_id"`
	ApplicationName types.String `tfsdk:"application_name"`
	ClientType      types.String `tfsdk:"client_type"`
	RedirectURIs    types.Set    `tfsdk:"redirect_uris"`
	AllowedScopes   types.Set    `tfsdk:"allowed_scopes"`
	Status          types.String `tfsdk:"status"`
	SecretRotatedAt types.String `tfsdk:"secret_rotated_at"`
	CreatedAt       types.String `tfsdk:"created_at"`
}

// clientDataModel converts a client as the API returns it into the data
// sources' model. There is no secret to copy: the API never returns one here.
func clientDataModel(ctx context.Context, c *flexslot.OAuth2Client) (oauth2ClientDataModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	m := oauth2ClientDataModel{
		ClientID:        types.StringValue(c.ClientID),
		ApplicationName: types.StringValue(c.ApplicationName),
		ClientType:      types.StringValue(c.ClientType),
		Status:          types.StringValue(c.Status),
		SecretRotatedAt: timeValue(c.SecretRotatedAt),
		CreatedAt:       timeValue(&c.CreatedAt),
	}
	m.RedirectURIs, diags = stringSet(ctx, c.RedirectURIs, diags)
	m.AllowedScopes, diags = stringSet(ctx, c.AllowedScopes, diags)
	return m, diags
}

// clientDataAttributes describes the attributes of oauth2ClientDataModel other
// than client_id, whose role differs between the two data sources.
func clientDataAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"application_name": schema.StringAttribute{
			Description: "Name shown to users on the consent screen.",
			Computed:    true,
		},
		"client_type": schema.StringAttribute{
			Description: "`confidential` (has a client secret) or `public` (no secret, PKCE only).",
			Computed:    true,
		},
		"redirect_uris": schema.SetAttribute{
			Description: "The redirect URIs registered for the client, matched byte for byte at /authorize.",
			Computed:    true,
			ElementType: types.StringType,
		},
		"allowed_scopes": schema.SetAttribute{
			Description: "The scopes the client may request.",
			Computed:    true,
			ElementType: types.StringType,
		},
		"status": schema.StringAttribute{
			Description: "`active`, or `suspended` when Flexslot has suspended the client.",
			Computed:    true,
		},
		"secret_rotated_at": schema.StringAttribute{
			Description: "When the client's current secret was issued (RFC 3339); null for public clients. " +
				"The secret itself is never exposed.",
			Computed: true,
		},
		"created_at": schema.StringAttribute{
			Description: "When the client was created (RFC 3339).",
			Computed:    true,
		},
	}
}

func (d *oauth2ClientDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oauth2_client"
}

func (d *oauth2ClientDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := clientDataAttributes()
	attributes["client_id"] = schema.StringAttribute{
		Description: "The identifier (`flx_client_...`) of the client to look up. It must be an active or suspended " +
			"client of the partner that owns the provider's token.",
		Required:   true,
		Validators: []validator.String{clientIDRule()},
	}
	resp.Schema = schema.Schema{
		Description: "Looks up one OAuth2 client of your Flexslot partner application by its client_id, whoever " +
			"created it (another configuration or the dashboard). Never exposes the client secret.",
		Attributes: attributes,
	}
}

func (d *oauth2ClientDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := configuredData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

func (d *oauth2ClientDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config oauth2ClientDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	clientID := config.ClientID.ValueString()
	client, err := d.data.client.OAuth2Clients.Get(ctx, clientID)
	if flexslot.IsNotFound(err) {
		resp.Diagnostics.Append(clientNotFoundDiagnostic(clientID))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("read the OAuth2 client", clientID, err))
		return
	}

	model, diags := clientDataModel(ctx, client)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

func clientNotFoundDiagnostic(clientID string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("client_id"), "OAuth2 client not found",
		fmt.Sprintf("No OAuth2 client %s exists for this partner: it was revoked, it belongs to another partner, "+
			"or the ID is mistyped. Check client_id against the dashboard, or use the flexslot_oauth2_clients data "+
			"source to find the partner's clients.", clientID))
}
