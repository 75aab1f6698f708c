package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

// operation names what the provider was doing when an API call failed. Whether
// it writes decides the next step a hint suggests: after a failed read nothing
// changed, after a failed write the change may or may not have been made.
type operation struct {
	action string
	writes bool
}

var (
	opRead         = operation{action: "read the OAuth2 client"}
	opList         = operation{action: "list the partner's OAuth2 clients"}
	opCreate       = operation{action: "create the OAuth2 client", writes: true}
	opUpdate       = operation{action: "update the OAuth2 client", writes: true}
	opRotate       = operation{action: "rotate the client secret", writes: true}
	opRevoke       = operation{action: "revoke the OAuth2 client", writes: true}
	opReadPartner  = operation{action: "read the partner row"}
	opRotateAPIKey = operation{action: "rotate the partner API key", writes: true}
)

// nextStep is the last sentence of every hint. Only a write whose outcome is
// unknown (no answer, a timeout, a server error) needs a plan to find out.
func (op operation) nextStep(err error) string {
	var apiErr *flexslot.APIError
	refused := errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && fromAPI(apiErr)
	switch {
	case op.writes && !refused:
		return "Then run plan: it shows whether the change was made, and apply finishes it."
	case op.writes:
		return "Flexslot refused the request, so nothing was changed; fix the cause and apply again."
	}
	return "Nothing was changed; run the same command again once this is fixed."
}

func unknownProviderValueDiagnostic(p path.Path, envVar string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(p, "Unknown Flexslot provider configuration value",
		fmt.Sprintf("The provider cannot create the Flexslot API client because %s is not known until apply. "+
			"Set it to a value known at plan time, use the %s environment variable, or apply the resource it depends on first "+
			"(-target).", p, envVar))
}

// apiErrorDiagnostic turns any error from the Flexslot client into one
// diagnostic: what failed, what came back (with its request id), and what to do.
func apiErrorDiagnostic(op operation, clientID string, err error) diag.Diagnostic {
	summary := "Failed to " + op.action
	if clientID != "" {
		summary += " " + clientID
	}
	detail := err.Error()
	if hint := errorHint(err); hint != "" {
		detail += "\n\n" + hint
	}
	return diag.NewErrorDiagnostic(summary, detail+"\n\n"+op.nextStep(err))
}

const checkRoute = "Check base_url: it must be the origin of the Flexslot API, such as " + flexslot.DefaultBaseURL +
	", without the /api/public/v1 path, which the provider adds itself; check any proxy in between, and that the " +
	"token belongs to the partner that owns the client."

func errorHint(err error) string {
	var retryAfter *flexslot.RetryAfterError
	var unconfirmed *flexslot.RevokeUnconfirmedError
	var listed *flexslot.ListedNotFoundError
	switch {
	case errors.As(err, &retryAfter):
		return fmt.Sprintf("Flexslot asked to wait %s before trying again, longer than this operation had left. "+
			"Wait, or raise the timeout in the timeouts block.", retryAfter.Wait.Round(time.Second))
	case errors.Is(err, context.DeadlineExceeded):
		return "The operation did not finish within its timeout. Raise the timeout in the timeouts block, " +
			"or try again when Flexslot answers faster."
	case errors.As(err, &unconfirmed):
		return "The client may still work, so it stays in state; the request may not have reached Flexslot. " + checkRoute
	case errors.As(err, &listed):
		return "The request may not have reached the Flexslot API that listed the client. " + checkRoute
	case flexslot.IsRedirect(err):
		return "Flexslot's API never redirects, so the provider does not follow redirects (the token must not be sent " +
			"to another host). " + checkRoute
	}
	var apiErr *flexslot.APIError
	if !errors.As(err, &apiErr) {
		return "Check that base_url points at the Flexslot API and that it is reachable from here."
	}
	switch {
	case flexslot.IsClientLimitReached(err):
		return fmt.Sprintf("Each partner may hold %d active or suspended clients. Revoke a client you no longer use "+
			"(remove it from your configuration or revoke it in the dashboard), or contact Flexslot for a higher limit.",
			rules.MaxClients)
	case apiErr.StatusCode == 401:
		return refusedTokenSentence(err) + ". Check api_token or FLEXSLOT_PAT, which may be mistyped, expired " +
			"or revoked. The token is the problem, not this client: every resource of this provider fails the same way " +
			"until it is fixed."
	case apiErr.StatusCode == 403:
		return "The token was recognised but may not manage these OAuth2 clients: check that the partner application is " +
			"approved and that the token belongs to the partner. Every resource of this provider fails the same way " +
			"until it is fixed."
	case !fromAPI(apiErr):
		return "The answer did not come from the Flexslot API. " + checkRoute
	case flexslot.IsRetryable(apiErr.StatusCode):
		return "Flexslot is throttling requests or temporarily unavailable, and retries did not succeed. Try again later."
	case apiErr.StatusCode >= 500:
		return "Flexslot failed to handle the request. Such errors are not retried automatically; if it persists, " +
			"contact Flexslot with the request id."
	case apiErr.StatusCode == 400 && strings.HasPrefix(apiErr.Field, "redirect_uris"):
		return "Redirect URIs must use https (http only for " + plainList("and", rules.LoopbackHosts()...) + ") without " +
			"wildcards, fragments or custom schemes."
	case apiErr.StatusCode == 400 && strings.HasPrefix(apiErr.Field, "allowed_scopes"):
		return "A scope outside Flexslot's published catalog must be granted to your partner application first."
	case apiErr.StatusCode == 400:
		return "Flexslot refused a value; the message above names it."
	}
	return ""
}

func publicClientSecretSettingDiagnostic(attribute string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root(attribute), attribute+" set on a public client",
		fmt.Sprintf(`A public client has no client secret, so there is nothing to rotate or encrypt. Remove %s, or use `+
			`client_type = "confidential".`, attribute))
}

// cliCommand names a CLI command for both CLIs, since the provider cannot tell
// which one runs it.
func cliCommand(args string) string {
	return fmt.Sprintf("terraform %s (tofu %s with OpenTofu)", args, args)
}

// secretAttribute is the attribute that holds the secret: client_secret, or
// client_secret_encrypted when secret_recipients is set.
func secretAttribute(sealed bool) string {
	if sealed {
		return "client_secret_encrypted"
	}
	return "client_secret"
}

func rotationWarning(clientID, why string, sealed bool) diag.Diagnostic {
	deliver := "reference client_secret from the resource that hands it to the app (a secret store, a Kubernetes " +
		"secret, a CI variable) in this same configuration, so the apply updates both"
	if sealed {
		deliver = "hand it to the app's secret store through the flexslot_oauth2_client_secret ephemeral resource " +
			"and a write-only argument versioned by secret_version, or ship client_secret_encrypted to whatever " +
			"decrypts it for the app, in this same apply"
	}
	return diag.NewAttributeWarningDiagnostic(path.Root(secretAttribute(sealed)), "Applying this plan rotates the client secret",
		fmt.Sprintf("The secret of %s is rotated because %s. Flexslot invalidates the current secret the moment it "+
			"issues the new one, with no overlap: every app still using the current secret fails to authenticate until "+
			"it has the new one. To keep that window short, deliver the new secret in the same apply: %s.",
			clientID, why, deliver))
}

func sealingFailedDiagnostic(clientID string, err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("secret_recipients"), "Could not encrypt the client secret",
		fmt.Sprintf("Flexslot issued a new secret for %s, but encrypting it to secret_recipients failed: %s. The "+
			"plaintext was not stored, so state holds no secret and secret_current is false. Fix secret_recipients and "+
			"apply again: the change rotates the secret once more.", clientID, err))
}

func deletionProtectedDiagnostic(clientID, action string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("deletion_protection"), "OAuth2 client is protected from deletion",
		fmt.Sprintf("This run would %s %s, which revokes it and signs out every user who authorized it, but "+
			"deletion_protection is true. Nothing was revoked. If the client is tainted (the plan replaces it because "+
			"an earlier apply failed part way), keep it instead: %s, then apply. If revoking it is intended, set "+
			"deletion_protection = false, apply, and then run this again. To stop managing the client without "+
			"revoking it, use a removed block with lifecycle { destroy = false }.",
			action, clientID, cliCommand("untaint <address of this resource>")))
}

func replacementRevokesDiagnostic(clientID string) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(path.Root("client_type"), "Replacing the OAuth2 client revokes it",
		fmt.Sprintf("client_type cannot change in place, so %s will be revoked and a new client created with a new "+
			"client_id and secret. Revocation signs out every user who authorized the client and invalidates its tokens. "+
			"Set deletion_protection = true to prevent this.", clientID))
}

func clientLimitWarning(clients []flexslot.OAuth2Client) diag.Diagnostic {
	ids := make([]string, 0, len(clients))
	for _, c := range clients {
		ids = append(ids, c.ClientID)
	}
	return diag.NewWarningDiagnostic("Partner is at the client limit",
		fmt.Sprintf("The partner already holds %d OAuth2 clients, and Flexslot allows %d, so creating another will fail "+
			"unless this plan revokes one first. Revoke an unused client or contact Flexslot. Clients holding the slots: %s.",
			len(clients), rules.MaxClients, strings.Join(ids, ", ")))
}

// tokenRefusedAtPlanDiagnostic reports, at plan, a token Flexslot refused (a
// 401) or recognised without letting it make the request (a 403).
func tokenRefusedAtPlanDiagnostic(what string, err error) diag.Diagnostic {
	if flexslot.IsForbidden(err) {
		return diag.NewErrorDiagnostic("The provider's token may not manage this partner's clients",
			fmt.Sprintf("%s failed: %s\n\nFlexslot recognised the Personal Access Token (api_token or FLEXSLOT_PAT) but "+
				"refused it this request, so the apply of this plan would fail. Check that the partner application is "+
				"approved and that the token belongs to the partner. Every resource of this provider fails the same way "+
				"until it is fixed.", what, err))
	}
	return diag.NewErrorDiagnostic("Flexslot refused the provider's token",
		fmt.Sprintf("%s failed: %s\n\n%s (api_token or FLEXSLOT_PAT), so the apply of this plan would fail. "+
			"The token is the problem, not a client: every resource of this provider fails the same way until the token "+
			"is fixed.", what, err, refusedTokenSentence(err)))
}

// refusedTokenSentence says which token Flexslot refused, and why when its
// metadata tells, without ever showing the token.
func refusedTokenSentence(err error) string {
	var apiErr *flexslot.APIError
	if !errors.As(err, &apiErr) || apiErr.Token == "" {
		return "The Personal Access Token was refused"
	}
	s := "The Personal Access Token " + apiErr.Token + " was refused"
	if apiErr.TokenState != "" {
		s += ": " + apiErr.TokenState
	}
	return s
}

func planCheckSkippedWarning(err error) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Could not check the partner's clients before creating",
		fmt.Sprintf("The plan lists the partner's clients to warn about the client limit and about an existing client "+
			"this plan would duplicate, but the list failed: %s\n\nThe plan goes on without those checks; the apply will "+
			"tell whether Flexslot is reachable.", err))
}

func duplicateClientWarning(c flexslot.OAuth2Client) diag.Diagnostic {
	return diag.NewWarningDiagnostic("A matching OAuth2 client already exists",
		fmt.Sprintf("This plan creates a client, but the partner already holds %s with the same application_name, "+
			"client_type and redirect_uris (created %s). It may be left from an apply whose "+
			"answer never arrived, or made in the dashboard. Applying creates a second client, which takes one of the "+
			"partner's %d slots. If this plan replaces that very client (-replace, replace_triggered_by), the old one is "+
			"revoked and this warning does not apply. To adopt the existing client instead, add an import block and plan "+
			"again:\n\n"+
			"import {\n  to = flexslot_oauth2_client.<name>\n  id = %q\n}",
			c.ClientID, c.CreatedAt.UTC().Format(time.RFC3339), rules.MaxClients, c.ClientID))
}

func nonCatalogScopeWarning(p path.Path, scope string) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(p, "Scope outside Flexslot's published catalog",
		fmt.Sprintf("The scope %q is not in Flexslot's published scope catalog (%s). Flexslot can grant partners more "+
			"scopes, so the provider lets Flexslot decide: the apply fails if your partner application was not granted it.",
			scope, strings.Join(rules.ScopeCatalog(), ", ")))
}

func consentURLWarning(p path.Path, value, problem string) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(p, "Consent-screen URL is not https",
		fmt.Sprintf("The URL %q %s. Flexslot publishes no https rule for this field and accepts any absolute URI, "+
			"so the apply goes on; an https URL keeps the link users follow from the consent screen private and unaltered.",
			value, problem))
}

func noAuthorizationCodeWarning(grantTypes []string) diag.Diagnostic {
	what := "is empty"
	if len(grantTypes) > 0 {
		slices.Sort(grantTypes)
		what = fmt.Sprintf("holds only %s", strings.Join(grantTypes, ", "))
	}
	return diag.NewAttributeWarningDiagnostic(path.Root("grant_types"), "Client without the authorization_code grant",
		fmt.Sprintf("grant_types %s, without authorization_code. Flexslot's OAuth guide calls the authorization code "+
			"grant with PKCE the only user-facing grant it supports, so users cannot sign in to this client. Add "+
			"\"authorization_code\", or leave grant_types out to get both grant types, as Flexslot does.", what))
}

// updateUnsupportedDiagnostic reports fields that could not change in place;
// rotated says whether this apply rotated the secret before that.
func updateUnsupportedDiagnostic(clientID string, fields []string, rotated bool, err error) diag.Diagnostic {
	changed := "Nothing else was changed."
	if rotated {
		changed = "The client secret was rotated in this apply before the update was refused: the new secret is in " +
			"state, and the previous one no longer works. Nothing else was changed."
	}
	return diag.NewErrorDiagnostic("Flexslot cannot change this client in place",
		fmt.Sprintf("Changing %s of %s needs an update call, which Flexslot refused: %s\n\nFlexslot has not published an "+
			"update endpoint for OAuth2 clients, and this API does not offer one. %s To apply the change, replace the "+
			"client: %s. Replacing revokes %s, which invalidates its secret and tokens and signs out every user who "+
			"authorized it, then creates a new client with a new client_id and secret. Or revert the change in the "+
			"configuration.", strings.Join(fields, ", "), clientID, err, changed,
			cliCommand("apply -replace=<address of this resource>"), clientID))
}

// revokeUnsupportedDiagnostic is the way out when Flexslot offers no revoke
// through its API: revoke in the dashboard and run the same command again, or
// stop managing the client without revoking it.
func revokeUnsupportedDiagnostic(clientID string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Flexslot offers no revoke through its API",
		fmt.Sprintf("Revoking %s needs a revoke call, which Flexslot refused: %s\n\nFlexslot's API reference publishes "+
			"no way to revoke an OAuth2 client, and this API does not offer one. Nothing was revoked, and state still "+
			"holds %s. To go on, revoke it in the Flexslot dashboard under Account → API access (this invalidates its "+
			"secret and tokens and signs out every user who authorized it), then run the same command again: its "+
			"refresh sees the client gone, and the apply completes, creating the replacement if this was one.\n\n"+
			"To stop managing the client without revoking it, replace its resource block with a removed block "+
			"(Terraform 1.7 or later, OpenTofu 1.10 or later; or run state rm with the resource's address):\n\n"+
			"removed {\n  from = <address of this resource>\n  lifecycle {\n    destroy = false\n  }\n}\n\n"+
			"With create_before_destroy, the replacement was created before this revoke was tried: it is in state, and "+
			"%s stays in state, deposed, until it is revoked in the dashboard and the next apply refreshes it away.",
			clientID, err, clientID, clientID))
}

func updateNotAppliedDiagnostic(err *flexslot.UpdateNotAppliedError) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Flexslot did not apply the update",
		fmt.Sprintf("%s. State keeps the values Flexslot reported; run plan to see the difference, and contact "+
			"Flexslot with the request id if it persists.", err))
}

func clientGoneWarning(clientID string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("OAuth2 client no longer exists",
		fmt.Sprintf("%s is not among the partner's active or suspended clients in Flexslot's list: it was revoked "+
			"outside Terraform (for example in the dashboard), so it was removed from state. The next apply creates a new "+
			"client with a new client_id and secret.", clientID))
}

func clientSuspendedWarning(clientID string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("OAuth2 client is suspended",
		fmt.Sprintf("Flexslot has suspended %s: users cannot authorize it until Flexslot lifts the suspension. It still "+
			"counts toward the client limit and can be edited, rotated and revoked. Contact Flexslot to find out why.", clientID))
}

func staleSecretWarning(clientID string, rotatedAt time.Time, sealed bool) diag.Diagnostic {
	attr := secretAttribute(sealed)
	return diag.NewAttributeWarningDiagnostic(path.Root(attr), "Client secret in state is stale",
		fmt.Sprintf("The secret of %s was rotated outside Terraform at %s, so the %s in state no longer works. "+
			"Change a value in rotation_triggers, or set rotate_when_stale = true, and apply to issue a new secret that "+
			"Terraform holds.",
			clientID, rotatedAt.UTC().Format(time.RFC3339), attr))
}

func importedWithoutSecretWarning(clientID string, sealed bool) diag.Diagnostic {
	attr := secretAttribute(sealed)
	return diag.NewAttributeWarningDiagnostic(path.Root(attr), "Imported client has no secret in state",
		fmt.Sprintf("Flexslot shows a client secret only once, so importing %s cannot recover it: %s is null. "+
			"Set or change rotation_triggers, or set rotate_when_stale = true, and apply to issue a new secret that "+
			"Terraform holds (this invalidates the current secret).", clientID, attr))
}

// lostSecretWarning reports a client whose create answer was lost: it was
// found and is in state, but the rotation that would give it a secret failed.
func lostSecretWarning(clientID string, sealed bool, err error) diag.Diagnostic {
	attr := secretAttribute(sealed)
	return diag.NewAttributeWarningDiagnostic(path.Root(attr), "OAuth2 client created without a secret in state",
		fmt.Sprintf("Flexslot created %s, but the answer carrying its secret was lost, and rotating the secret to "+
			"obtain a new one failed: %s\n\nThe client exists and is in state, without a secret: %s is null and "+
			"secret_current is false, so whatever reads %s in this apply received no secret. Nobody holds its secret, "+
			"so the next plan rotates it to issue one; run apply again once Flexslot answers.", clientID, err, attr, attr))
}

// ambiguousCreateDiagnostic reports a lost create answer after which several
// matching clients were found: none was adopted, so the user picks.
func ambiguousCreateDiagnostic(err *flexslot.AmbiguousCreateError) diag.Diagnostic {
	var blocks strings.Builder
	for _, id := range err.Candidates {
		fmt.Fprintf(&blocks, "\n\nimport {\n  to = <address of this resource>\n  id = %q\n}", id)
	}
	return diag.NewErrorDiagnostic("Cannot tell which OAuth2 client this create made",
		fmt.Sprintf("%s.\n\nThe answer to the create was lost, and the partner's list shows %d matching clients created "+
			"since the request left: %s. One of them may belong to another configuration (another alias, or another "+
			"run at the same time) that created the same client, so none was adopted and none was changed. Find the one "+
			"no other configuration holds in state (the others' state files, or the dashboard), and adopt it with one "+
			"of these import blocks, then plan again (set rotate_when_stale = true to give it a secret in state):%s",
			err, len(err.Candidates), strings.Join(err.Candidates, ", "), blocks.String()))
}

// clientNotListedDiagnostic refuses to drop a client from state when the
// partner's list omits it but the provider cannot tell a revocation from a
// token of another partner.
func clientNotListedDiagnostic(clientID, token string, protected bool) diag.Diagnostic {
	why := "and neither is any other client this run reads, so the provider cannot tell a revocation from a token " +
		"that belongs to another partner"
	if protected {
		why = "and deletion_protection is true: a protected client is never dropped from state on an absence alone"
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("client_id"), "OAuth2 client is not in the partner's list",
		fmt.Sprintf("%s is not in the list of OAuth2 clients Flexslot returned for %s, %s. State keeps "+
			"the client and nothing was changed.\n\nIf the token (api_token or FLEXSLOT_PAT of this provider "+
			"configuration or alias) may belong to another partner, or base_url points elsewhere, fix that and run "+
			"again. If the client was revoked outside Terraform (in the dashboard), remove it from state, with %s or "+
			"a removed block with lifecycle { destroy = false }, and apply to create a new one.",
			clientID, token, why, cliCommand("state rm <address of this resource>")))
}

func clientNotFoundDiagnostic(clientID string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("client_id"), "OAuth2 client not found",
		fmt.Sprintf("No active or suspended OAuth2 client %s is in the partner's list: it was revoked, it belongs to "+
			"another partner, or the ID is mistyped. Check client_id against the dashboard, or use the "+
			"flexslot_oauth2_clients data source to find the partner's clients.", clientID))
}

// fromAPI reports whether an error answer looks like the Flexslot API's own: a
// JSON body that says something. A proxy's or CDN's page, or a wrong route on
// another server, does not.
func fromAPI(e *flexslot.APIError) bool {
	return strings.Contains(e.ContentType, "json") && (e.Code != "" || e.Message != "")
}

func applicationNameMatchDiagnostic(name string, matches []flexslot.OAuth2Client) diag.Diagnostic {
	if len(matches) == 0 {
		return diag.NewAttributeErrorDiagnostic(path.Root("application_name"), "No OAuth2 client has this name",
			fmt.Sprintf("No active or suspended OAuth2 client of this partner is named %q (names match exactly, case "+
				"included). Check the name against the dashboard, or use the flexslot_oauth2_clients data source.", name))
	}
	ids := make([]string, 0, len(matches))
	for _, c := range matches {
		ids = append(ids, c.ClientID)
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("application_name"), "Several OAuth2 clients have this name",
		fmt.Sprintf("%d active or suspended clients are named %q: %s. Look the client up by client_id instead.",
			len(matches), name, strings.Join(ids, ", ")))
}

func unconfiguredListDiagnostic() diag.Diagnostic {
	return diag.NewErrorDiagnostic("Flexslot provider not configured",
		"The OAuth2 clients cannot be listed because the provider was not configured before the query. "+
			"Check the provider block of the query configuration, then run the query again.")
}

func missingTokenDiagnostic() diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("api_token"), "Missing Flexslot API token",
		"The provider needs a Flexslot Personal Access Token to call the partner API. Set api_token in the provider "+
			"configuration or the "+envToken+" environment variable. Mint a token under Settings → Personal Access Tokens.")
}

func malformedTokenDiagnostic(source string, err *flexslot.TokenError) diag.Diagnostic {
	var fix string
	switch err.Problem {
	case flexslot.TokenBearer:
		fix = "Give the token alone: the provider sends it as a bearer token itself."
	case flexslot.TokenControl:
		fix = "Copy the token again from where it was saved when it was minted."
	default:
		fix = "Remove it, such as a trailing newline from the file or command the token was read from (for " +
			"example with trimspace())."
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("api_token"), "Malformed Flexslot API token",
		"The Personal Access Token (from "+source+", not shown here) "+err.What()+", which no Flexslot token does. "+fix)
}

// invalidBaseURLDiagnostic names the base URL with any password masked; with
// an empty path it is not tied to the attribute, so the CLI shows no source line.
func invalidBaseURLDiagnostic(p path.Path, source string, err error) diag.Diagnostic {
	from := ""
	if source != "" {
		from = " (from " + source + ")"
	}
	var bad *flexslot.BaseURLError
	if !errors.As(err, &bad) {
		return providerBugDiagnostic("Invalid Flexslot base URL", "The base URL"+from+" is refused: "+err.Error()+".")
	}
	var fix string
	switch bad.Problem {
	case flexslot.BaseURLNotAbsolute:
		fix = " such as " + flexslot.DefaultBaseURL
	case flexslot.BaseURLCredentials:
		fix = ": the provider authenticates with api_token (or " + envToken + ") only; remove the user name and " +
			"password from the URL"
	case flexslot.BaseURLQuery:
		fix = ": give only the scheme, host and optional path prefix, such as " + flexslot.DefaultBaseURL
	case flexslot.BaseURLAPIPath:
		fix = ", which the provider adds itself: write " + bad.Origin
	case flexslot.BaseURLPlainHTTP:
		fix = ", so use https (http is accepted only for " + plainList("and", rules.LoopbackHosts()...) + ")"
	case flexslot.BaseURLScheme:
		fix = ": use an https URL such as " + flexslot.DefaultBaseURL
	}
	detail := fmt.Sprintf("The base URL %s%s %s%s.", bad.URL, from, bad.What(), fix)
	if p.Equal(path.Empty()) {
		return diag.NewErrorDiagnostic("Invalid Flexslot base URL", detail)
	}
	return diag.NewAttributeErrorDiagnostic(p, "Invalid Flexslot base URL", detail)
}

func clientConfigurationDiagnostic(err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Cannot configure the Flexslot API client", err.Error())
}

func invalidImportIDDiagnostic(err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("client_id"), "Invalid import ID",
		"The import ID is not valid: "+err.Error()+".")
}

func providerBugDiagnostic(summary, detail string) diag.Diagnostic {
	return diag.NewErrorDiagnostic(summary, detail+" This is a bug in the provider; please report it.")
}

// sealedSource names the encrypted attribute an ephemeral resource decrypts,
// for its errors: client_secret_encrypted of flexslot_oauth2_client, or
// api_key_encrypted of flexslot_partner_api_key.
type sealedSource struct {
	attribute, what, resource string
	// notSealed is the detail of the error for a null value.
	notSealed string
}

var clientSecretSource = sealedSource{attribute: "client_secret_encrypted", what: "client secret", resource: "flexslot_oauth2_client"}

func sealedNullDiagnostic(src sealedSource) diag.Diagnostic {
	if src.notSealed == "" {
		return secretNotSealedDiagnostic()
	}
	return diag.NewAttributeErrorDiagnostic(path.Root(src.attribute), "No encrypted "+src.what+" to decrypt", src.notSealed)
}

func secretNotSealedDiagnostic() diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("client_secret_encrypted"), "No encrypted client secret to decrypt",
		"client_secret_encrypted is null: the flexslot_oauth2_client it comes from keeps no encrypted secret, because "+
			"secret_recipients is not set, or it is a public client (which has no secret), or it was imported (state "+
			"holds no secret then). Set secret_recipients on that client to the age recipient or SSH public key that "+
			"belongs to identity: the apply that sets it rotates the secret and keeps it only encrypted. After an "+
			"import, set rotate_when_stale = true as well.")
}

func notCiphertextDiagnostic(src sealedSource, err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root(src.attribute), src.attribute+" is not age ciphertext",
		fmt.Sprintf("The value of %s %s, or is damaged. Pass the %s "+
			"attribute of a %s unchanged. The value is not shown, in case it is a secret.", src.attribute, err, src.attribute, src.resource))
}

func invalidIdentityDiagnostic(err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("identity"), "Invalid identity",
		fmt.Sprintf("The identity %s. It takes what `age -i` reads: age identities (AGE-SECRET-KEY-1...), "+
			"one a line, with # comments as age-keygen writes them, or one unencrypted OpenSSH ed25519 or RSA private "+
			"key. The identity is never shown.", err))
}

func noIdentityMatchedDiagnostic(src sealedSource, err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("identity"), "The identity cannot decrypt "+src.attribute,
		fmt.Sprintf("%s. Pass the private key of one of the %s's secret_recipients as identity; after a change of "+
			"secret_recipients, the ciphertext is encrypted only to the new ones.", err, strings.TrimPrefix(src.resource, "flexslot_")))
}

func tokenPrefixWarning(source string) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(path.Root("api_token"), "The API token is not a Personal Access Token",
		"The token (from "+source+") does not start with "+flexslot.TokenPrefix+", the prefix of every Flexslot Personal "+
			"Access Token. A partner API key or an OAuth access token pasted by mistake is the usual cause, and Flexslot "+
			"will refuse it. Mint a Personal Access Token under Settings → Personal Access Tokens.")
}

func tokenUnusableDiagnostic(label, why string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Flexslot refused the provider's token",
		fmt.Sprintf("The Personal Access Token %s (api_token or FLEXSLOT_PAT) cannot be used: %s, so the apply of this "+
			"plan would fail. Mint a new token under Settings → Personal Access Tokens.", label, why))
}

func tokenExpiresSoonWarning(label string, expiresAt time.Time, left time.Duration) diag.Diagnostic {
	when := fmt.Sprintf("expires in %s", roundDays(left))
	return diag.NewWarningDiagnostic("The Personal Access Token expires soon",
		fmt.Sprintf("The Personal Access Token %s %s, at %s. Once it has expired, every plan and apply of this provider "+
			"fails. Mint a new token under Settings → Personal Access Tokens and set it in api_token or FLEXSLOT_PAT "+
			"before then.", label, when, expiresAt.UTC().Format(time.RFC3339)))
}

// roundDays shows a duration in whole days, or hours below a day.
func roundDays(d time.Duration) string {
	if d < 24*time.Hour {
		h := int(d.Hours())
		if h <= 1 {
			return "less than 2 hours"
		}
		return fmt.Sprintf("%d hours", h)
	}
	days := int(d.Hours() / 24)
	if days == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", days)
}

func partnerUnreadableWarning(err error) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Could not read the partner row",
		fmt.Sprintf("The plan reads the partner row (GET /me/partner) to check the partner's status and which scopes "+
			"outside Flexslot's catalog it holds, but the read failed: %s\n\nThe plan goes on without those checks; "+
			"scopes outside the catalog only warn, and the apply tells whether Flexslot accepts them.", err))
}

func partnerNotActiveDiagnostic(status string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("The partner is not active",
		fmt.Sprintf("The partner row says the partner is %s, not active, so Flexslot will not create OAuth2 clients for "+
			"it. Nothing was created. Contact Flexslot to find out why, then plan again once the status is active "+
			"(the flexslot_partner data source shows it).", status))
}

func partnerScopeWarning(p path.Path, scope string) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(p, "Scope outside Flexslot's published catalog",
		fmt.Sprintf("The scope %q is not in Flexslot's published scope catalog (%s), but your partner holds it (the "+
			"partner row's scopes), so Flexslot is expected to accept it. The create endpoint publishes only the catalog, "+
			"so the apply tells.", scope, strings.Join(rules.ScopeCatalog(), ", ")))
}

func scopeNotAvailableDiagnostic(p path.Path, scope string, partnerScopes []string) diag.Diagnostic {
	held := "none"
	if len(partnerScopes) > 0 {
		held = strings.Join(partnerScopes, ", ")
	}
	return diag.NewAttributeErrorDiagnostic(p, "Scope not available to this partner",
		fmt.Sprintf("The scope %q is neither in Flexslot's published scope catalog (%s) nor among the scopes your partner "+
			"holds (%s), so Flexslot would refuse the client. Fix the scope, or request it for your partner "+
			"(POST /me/partner/scope-requests) and plan again once Flexslot granted it.",
			scope, strings.Join(rules.ScopeCatalog(), ", "), held))
}

// keyName names a partner API key by its prefix, as Flexslot shows it.
func keyName(prefix string) string {
	if prefix == "" {
		return "the partner API key"
	}
	return "the partner API key " + prefix + "…"
}

func apiKeyCreateWarning(currentPrefix string, sealed bool) diag.Diagnostic {
	current := "The partner's current API key"
	if currentPrefix != "" {
		current = "The partner's current API key (" + currentPrefix + "…)"
	}
	deliver := "plaintext_api_key"
	if sealed {
		deliver = "api_key_encrypted"
	}
	return diag.NewAttributeWarningDiagnostic(path.Root("plaintext_api_key"), "Applying this plan replaces the partner API key",
		fmt.Sprintf("Creating flexslot_partner_api_key asks Flexslot for a new partner API key. %s stops working the "+
			"moment the new one is issued, with no overlap: every app or server still using it fails to authenticate "+
			"until it has the new key, which only Terraform will hold (in %s). Deliver it in this same apply, or, to "+
			"manage the key without replacing it, import it instead: terraform import flexslot_partner_api_key.<name> "+
			"<partner id>.", current, deliver))
}

func apiKeyRotationWarning(prefix, why string, sealed bool) diag.Diagnostic {
	deliver := "plaintext_api_key"
	if sealed {
		deliver = "api_key_encrypted"
	}
	return diag.NewAttributeWarningDiagnostic(path.Root("plaintext_api_key"), "Applying this plan rotates the partner API key",
		fmt.Sprintf("The key is rotated because %s. Flexslot stops %s the moment it issues the new one, with no "+
			"overlap: everything still using it fails to authenticate until it has the new key. Deliver %s in this "+
			"same apply.", why, keyName(prefix), deliver))
}

func apiKeyStaysValidWarning(prefix string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("The partner API key stays valid",
		fmt.Sprintf("Destroying flexslot_partner_api_key only removes it from state: Flexslot publishes no way to revoke "+
			"a partner API key, so %s keeps working. To stop it, rotate it in the dashboard, or keep this resource and "+
			"change rotation_triggers.", keyName(prefix)))
}

func apiKeySealingFailedDiagnostic(err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("secret_recipients"), "Could not encrypt the partner API key",
		fmt.Sprintf("Flexslot issued a new partner API key, but encrypting it to secret_recipients failed: %s. The "+
			"plaintext was not stored, so state holds no key and key_current is false. Fix secret_recipients and apply "+
			"again: the change rotates the key once more.", err))
}

func staleAPIKeyWarning(held, current string) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(path.Root("plaintext_api_key"), "Partner API key in state is stale",
		fmt.Sprintf("The partner row shows the API key %s…, but state holds %s: the key was rotated outside Terraform "+
			"(such as in the dashboard), so the key in state no longer works and key_current is false. Change a value "+
			"in rotation_triggers, or set rotate_when_stale = true, and apply to issue a key that Terraform holds.",
			current, keyName(held)))
}

func importedAPIKeyWarning(prefix string) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(path.Root("plaintext_api_key"), "Imported partner API key is not in state",
		fmt.Sprintf("Flexslot shows a partner API key only once, so importing adopts %s without rotating it and "+
			"without its value: plaintext_api_key is null and key_current is false. Set or change rotation_triggers, "+
			"or set rotate_when_stale = true, and apply to issue a key that Terraform holds (this stops the current one).",
			keyName(prefix)))
}

func apiKeyImportIDDiagnostic(id string, p *flexslot.Partner) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("id"), "Import ID names another partner",
		fmt.Sprintf("The import ID %q is neither the id (%s) nor the slug (%s) of the partner whose token the provider "+
			"uses. A partner API key can only be imported by the partner that owns it: import it by that partner's id "+
			"or slug, as the flexslot_partner data source shows them.", id, p.ID, p.Slug))
}
