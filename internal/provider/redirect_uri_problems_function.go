package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

var _ function.Function = (*redirectURIProblemsFunction)(nil)

// NewRedirectURIProblemsFunction returns the redirect_uri_problems provider function.
func NewRedirectURIProblemsFunction() function.Function { return &redirectURIProblemsFunction{} }

type redirectURIProblemsFunction struct{}

func (f *redirectURIProblemsFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "redirect_uri_problems"
}

func (f *redirectURIProblemsFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Lists the Flexslot redirect URI rules a URI breaks.",
		Description: "Returns the rules of Flexslot's redirect URI validation that the given URI breaks, with the " +
			"same messages as the flexslot_oauth2_client resource and the API; the list is empty when the URI is " +
			"valid. Use it in validation blocks of input variables to reject a bad redirect URI with a message of your own; " +
			"the CLIs evaluate it at validate for literal values and at plan for values known only then. Plain http is " +
			"accepted for the loopback hosts " + plainList("and", rules.LoopbackHosts()...) + " (localhost in lower " +
			"case), with any port. At /authorize, " +
			"Flexslot matches a registered 127.0.0.1 or [::1] URI on any port, and a localhost URI only on its own port: " +
			"a native app that picks its port at run time should register http://127.0.0.1/ with its path.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:        "uri",
				Description: "The redirect URI to check, exactly as it would be registered (no normalisation).",
			},
		},
		Return: function.ListReturn{ElementType: types.StringType},
	}
}

func (f *redirectURIProblemsFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var uri string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &uri))
	if resp.Error != nil {
		return
	}
	problems := rules.RedirectURIProblems(uri)
	if problems == nil {
		problems = []string{}
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, problems))
}
