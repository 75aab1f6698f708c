package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

var (
	_ datasource.DataSource              = (*oauth2ClientsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*oauth2ClientsDataSource)(nil)
)

// NewOAuth2ClientsDataSource returns the flexslot_oauth2_clients data source.
func NewOAuth2ClientsDataSource() datasource.DataSource { return &oauth2ClientsDataSource{} }

type oauth2ClientsDataSource struct {
	data *providerData
}

// clientFilter holds the optional filters shared by the plural data source and
// the list resource. A null filter matches every client.
type clientFilter struct {
	ClientType      types.String `tfsdk:"client_type"`
	Status          types.String `tfsdk:"status"`
	ApplicationName types.String `tfsdk:"application_name"`
}

// matches reports whether c passes every filter that is set.
func (f clientFilter) matches(c flexslot.OAuth2Client) bool {
	return filterMatches(f.ClientType, c.ClientType) &&
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
	clientType:      "Only clients of this type: `confidential` or `public`.",
	status:          "Only clients with this status: `active` or `suspended`. Revoked clients are never listed.",
	applicationName: "Only clients whose application_name is exactly this value (case-sensitive).",
}

func clientTypeFilterValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(flexslot.ClientTypeConfidential, flexslot.ClientTypePublic)}
}

func statusFilterValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(flexslot.StatusActive, flexslot.StatusSuspended)}
}

type oauth2ClientsDataSourceModel struct {
	clientFilter
	Clients   []oauth2ClientDataModel `tfsdk:"clients"`
	ClientIDs []string                `tfsdk:"client_ids"`
}

func (d *oauth2ClientsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oauth2_clients"
}

func (d *oauth2ClientsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	element := clientDataAttributes()
	element["client_id"] = schema.StringAttribute{
		Description: "The client identifier (`flx_client_...`).",
		Computed:    true,
	}
	resp.Schema = schema.Schema{
		Description: "Lists the active and suspended OAuth2 clients of your Flexslot partner application, whoever " +
			"created them, optionally filtered. Never exposes client secrets.",
		Attributes: map[string]schema.Attribute{
			"client_type": schema.StringAttribute{
				Description: clientFilterDescriptions.clientType,
				Optional:    true,
				Validators:  clientTypeFilterValidators(),
			},
			"status": schema.StringAttribute{
				Description: clientFilterDescriptions.status,
				Optional:    true,
				Validators:  statusFilterValidators(),
			},
			"application_name": schema.StringAttribute{
				Description: clientFilterDescriptions.applicationName,
				Optional:    true,
			},
			"clients": schema.ListNestedAttribute{
				Description: "The matching clients, oldest first.",
				Computed:    true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: element,
				},
			},
			"client_ids": schema.ListAttribute{
				Description: "The client_id of each matching client, in the order of clients.",
				Computed:    true,
				ElementType: types.StringType,
			},
		},
	}
}

func (d *oauth2ClientsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := configuredData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

func (d *oauth2ClientsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model oauth2ClientsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}

	clients, err := d.data.client.OAuth2Clients.List(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("list the OAuth2 clients", "", err))
		return
	}

	var diags diag.Diagnostics
	model.Clients, model.ClientIDs, diags = clientsDataModels(ctx, filterClients(clients, model.clientFilter))
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// clientsDataModels converts clients, keeping their order, and collects their IDs.
// Both results are empty, not nil, when there are no clients.
func clientsDataModels(ctx context.Context, clients []flexslot.OAuth2Client) ([]oauth2ClientDataModel, []string, diag.Diagnostics) {
	var diags diag.Diagnostics
	models := make([]oauth2ClientDataModel, 0, len(clients))
	ids := make([]string, 0, len(clients))
	for i := range clients {
		m, d := clientDataModel(ctx, &clients[i])
		diags.Append(d...)
		models = append(models, m)
		ids = append(ids, clients[i].ClientID)
	}
	return models, ids, diags
}
