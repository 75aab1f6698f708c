package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
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

type oauth2ClientsDataSourceModel struct {
	clientFilter
	Clients   []oauth2ClientView `tfsdk:"clients"`
	ClientIDs []string           `tfsdk:"client_ids"`
	Timeouts  timeouts.Value     `tfsdk:"timeouts"`
}

func (d *oauth2ClientsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oauth2_clients"
}

func (d *oauth2ClientsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	element := clientViewAttributes()
	element["client_id"] = schema.StringAttribute{
		Description: "The client identifier, such as `cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y`.",
		Computed:    true,
	}
	element["application_name"] = schema.StringAttribute{
		Description: "Name shown to users on the consent screen.",
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
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
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

	ctx, cancel, diags := withTimeout(ctx, model.Timeouts.Read, defaultDataSourceReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	defer cancel()

	clients, err := d.data.client.OAuth2Clients.List(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(opList, "", err))
		return
	}

	model.Clients, model.ClientIDs, diags = clientViews(ctx, filterClients(clients, model.clientFilter))
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
