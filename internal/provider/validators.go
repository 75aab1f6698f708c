package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
	"github.com/flexslot/terraform-provider-flexslot/internal/sealedsecret"
)

// stringRule is a plan-time check of one string attribute. Unknown values
// (module inputs not known yet) pass; every problem becomes an attribute error.
type stringRule struct {
	description string
	summary     string
	// problems returns one sentence per broken rule, naming the value.
	problems func(value string) []string
}

var _ validator.String = stringRule{}

func (r stringRule) Description(context.Context) string { return r.description }

func (r stringRule) MarkdownDescription(ctx context.Context) string { return r.Description(ctx) }

func (r stringRule) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueString()
	problems := r.problems(v)
	if _, private := sealedsecret.PrivateKeyKind(v); private {
		// Not tied to the attribute: the CLI would print its source line, and
		// a set element's path holds the value itself.
		for _, p := range problems {
			resp.Diagnostics.AddError(r.summary, fmt.Sprintf("In %s: %s", topAttribute(req.Path), p))
		}
		return
	}
	for _, p := range problems {
		resp.Diagnostics.AddAttributeError(req.Path, r.summary, p)
	}
}

// topAttribute names the top-level attribute of p, such as secret_recipients
// for one of its elements, without the element's value.
func topAttribute(p path.Path) string {
	if steps := p.Steps(); len(steps) > 0 {
		if name, ok := steps[0].(path.PathStepAttributeName); ok {
			return string(name)
		}
	}
	return "the configuration"
}

// ruleOf turns one of the rules package's checks into a stringRule whose
// messages quote the value, so that plan-time validation and the API can never
// disagree. A value that looks like a private key is never quoted: it may
// have been pasted into the wrong attribute, or come from a sensitive
// variable, and the message would carry it into logs.
func ruleOf(what, description string, check func(string) []string) stringRule {
	return stringRule{
		description: description,
		summary:     "Invalid " + what,
		problems: func(v string) []string {
			problems := check(v)
			if len(problems) == 0 {
				return nil
			}
			if kind, ok := sealedsecret.PrivateKeyKind(v); ok {
				return []string{fmt.Sprintf("The %s looks like a private key (%s, not shown here), which has no "+
					"place in this attribute. Treat the key as exposed if this configuration was shared.", what, kind)}
			}
			out := make([]string, 0, len(problems))
			for _, problem := range problems {
				out = append(out, fmt.Sprintf("The %s %q %s.", what, v, problem))
			}
			return out
		},
	}
}

func applicationNameRule() stringRule {
	return ruleOf("application name", fmt.Sprintf("must be %d to %d characters long",
		rules.ApplicationNameMinLength, rules.ApplicationNameMaxLength), rules.ApplicationNameProblems)
}

func redirectURIRule() stringRule {
	return ruleOf("redirect URI", fmt.Sprintf("must be a valid Flexslot redirect URI of at most %d characters: https "+
		"(http only for %s), no wildcards, no fragment, no custom scheme", rules.RedirectURIMaxLength,
		plainList("and", rules.LoopbackHosts()...)), rules.RedirectURIProblems)
}

func scopeRule() stringRule {
	return ruleOf("scope", fmt.Sprintf("must be at most %d characters of %s", rules.ScopeMaxLength, rules.ScopeSyntax),
		rules.ScopeProblems)
}

func grantTypeRule() stringRule {
	return ruleOf("grant type", "must be "+plainList("or", rules.GrantTypes()...), rules.GrantTypeProblems)
}

func consentURLRule() stringRule {
	return ruleOf("URL", "must be empty or an absolute URI (https gets no warning)", rules.ConsentURLProblems)
}

func clientIDRule() stringRule {
	return ruleOf("client ID", "must be a Flexslot client ID such as cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y: not empty, without "+
		"spaces or control characters", rules.ClientIDProblems)
}

func secretRecipientRule() stringRule {
	return stringRule{
		description: "must be an age X25519 recipient (age1...) or an ssh-ed25519 or ssh-rsa public key",
		summary:     "Invalid secret recipient",
		problems: func(v string) []string {
			_, err := sealedsecret.ParseRecipient(v)
			var private *sealedsecret.PrivateKeyError
			switch {
			case err == nil:
				return nil
			case errors.As(err, &private):
				return []string{fmt.Sprintf("A secret recipient %s. Treat the key as exposed if this configuration "+
					"or its variables were shared.", err)}
			}
			return []string{fmt.Sprintf("The secret recipient %q %s.", strings.TrimSpace(v), err)}
		},
	}
}

// baseURLRule refuses a literal base_url at validate time; values from the
// environment are checked in Configure by the same function,
// flexslot.CheckBaseURL, which the API client applies too.
type baseURLRule struct{}

var _ validator.String = baseURLRule{}

func (baseURLRule) Description(context.Context) string {
	return "must be the https origin of the Flexslot API (http only for " + plainList("and", rules.LoopbackHosts()...) +
		"), without the API path"
}

func (r baseURLRule) MarkdownDescription(ctx context.Context) string { return r.Description(ctx) }

func (baseURLRule) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	_, err := flexslot.CheckBaseURL(req.ConfigValue.ValueString())
	var bad *flexslot.BaseURLError
	switch {
	case err == nil:
	case errors.As(err, &bad) && bad.Credentials:
		// Not tied to the attribute: the CLI would print its source line, password included.
		resp.Diagnostics.Append(invalidBaseURLDiagnostic(path.Empty(), "", err))
	default:
		resp.Diagnostics.Append(invalidBaseURLDiagnostic(req.Path, "", err))
	}
}

func rotationPeriodRule() stringRule {
	return stringRule{
		description: `must be a positive duration in days ("90d") or as a Go duration ("2160h")`,
		summary:     "Invalid rotation period",
		problems: func(v string) []string {
			if _, err := parseRotationPeriod(v); err != nil {
				return []string{fmt.Sprintf("The rotation_period %q %s.", v, err)}
			}
			return nil
		},
	}
}
