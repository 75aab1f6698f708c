package flexslot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

// Client types and statuses, as internal/rules defines them.
const (
	ClientTypeConfidential = rules.ClientTypeConfidential
	ClientTypePublic       = rules.ClientTypePublic

	StatusActive    = rules.StatusActive
	StatusSuspended = rules.StatusSuspended
	StatusRevoked   = rules.StatusRevoked
)

const oauth2ClientsPath = "/me/partner/oauth2-clients"

// OAuth2ClientsService manages the partner's OAuth2 clients.
type OAuth2ClientsService struct {
	client *Client
}

// OAuth2Client is an OAuth2 client as the API returns it. It never holds the
// secret. Unknown fields of the answer are ignored; IDs are opaque.
type OAuth2Client struct {
	ID                    string     `json:"id"`
	ClientID              string     `json:"client_id"`
	ClientType            string     `json:"client_type"`
	ApplicationName       string     `json:"application_name"`
	ApplicationURL        string     `json:"application_url"`
	ApplicationLogoURL    string     `json:"application_logo_url"`
	PrivacyPolicyURL      string     `json:"privacy_policy_url"`
	TosURL                string     `json:"tos_url"`
	RedirectURIs          []string   `json:"redirect_uris"`
	AllowedScopes         []string   `json:"allowed_scopes"`
	GrantTypes            []string   `json:"grant_types"`
	RequirePKCE           bool       `json:"require_pkce"`
	DPoPBoundAccessTokens bool       `json:"dpop_bound_access_tokens"`
	Status                string     `json:"status"`
	SecretRotatedAt       *time.Time `json:"secret_rotated_at"`
	LastUsedAt            *time.Time `json:"last_used_at"`
	CreatedAt             time.Time  `json:"created_at"`
	UpdatedAt             time.Time  `json:"updated_at"`
}

// IssuedSecret is the answer to Create and RotateSecret, the only time a
// secret is ever returned.
type IssuedSecret struct {
	Client OAuth2Client
	// Secret is "" for public clients.
	Secret          string
	SecretRotatedAt *time.Time
	// Adopted is true when the answer to the create was lost and the client
	// was found in the list and adopted instead of being created again; the
	// secret of a confidential client then comes from rotating it.
	Adopted bool
}

// CreateRequest holds the fields of a new client.
type CreateRequest struct {
	ApplicationName string `json:"application_name"`
	// ClientType "" is omitted: Flexslot's default is confidential.
	ClientType    string   `json:"client_type,omitempty"`
	RedirectURIs  []string `json:"redirect_uris"`
	AllowedScopes []string `json:"allowed_scopes"`
	// GrantTypes nil is omitted, so Flexslot applies its default.
	GrantTypes []string `json:"grant_types,omitzero"`
	// The four URLs are always sent; "" means unset.
	ApplicationURL     string `json:"application_url"`
	ApplicationLogoURL string `json:"application_logo_url"`
	PrivacyPolicyURL   string `json:"privacy_policy_url"`
	TosURL             string `json:"tos_url"`
}

// UpdateRequest holds the fields to change, each replacing the whole current
// value: nil is not sent; a pointer to "" and an empty non-nil slice are sent.
type UpdateRequest struct {
	ApplicationName    *string  `json:"application_name,omitempty"`
	ApplicationURL     *string  `json:"application_url,omitempty"`
	ApplicationLogoURL *string  `json:"application_logo_url,omitempty"`
	PrivacyPolicyURL   *string  `json:"privacy_policy_url,omitempty"`
	TosURL             *string  `json:"tos_url,omitempty"`
	RedirectURIs       []string `json:"redirect_uris,omitzero"`
	AllowedScopes      []string `json:"allowed_scopes,omitzero"`
	GrantTypes         []string `json:"grant_types,omitzero"`
}

// List returns every client the API listed, revoked ones included if it lists
// them. It is served by the Client's shared list: reads that arrive while a
// list is in flight wait for it, and a list that came back serves the reads
// that start within about a second, unless this Client started a write since
// the list started. A failed list is an error and is never kept, except a
// failed Prefetch for the reads that start within about a second of it.
func (s *OAuth2ClientsService) List(ctx context.Context) ([]OAuth2Client, error) {
	r, err := s.client.lists.get(ctx)
	if err != nil {
		return nil, err
	}
	return cloneClients(r.clients), nil
}

func cloneClients(clients []OAuth2Client) []OAuth2Client {
	out := make([]OAuth2Client, len(clients))
	for i := range clients {
		out[i] = cloneClient(clients[i])
	}
	return out
}

// ListBeforeWrites is List until this Client starts a write (a create,
// update, rotation or revoke), and ErrWriteStarted from then on, without a
// request: a check that only warns before writes, such as a plan's, has
// nothing to say once its own apply writes, and a list then would make each
// later write wait for it.
func (s *OAuth2ClientsService) ListBeforeWrites(ctx context.Context) ([]OAuth2Client, error) {
	r, err := s.client.lists.beforeWrites(ctx)
	if err != nil {
		return nil, err
	}
	return cloneClients(r.clients), nil
}

// Prefetch starts the shared list (see List) in the background, so that the
// reads to come find it in flight or fresh, unless a list is in flight or
// fresh already. It runs with ctx's values, not its cancellation or deadline,
// for at most bound, even when no read comes. Its outcome, failure included,
// is what the reads that join it or start within about a second of it get.
func (s *OAuth2ClientsService) Prefetch(ctx context.Context, bound time.Duration) {
	s.client.lists.prefetch(ctx, bound)
}

// Get returns one client from the shared list (see List). It answers a
// *NotFoundError (ErrNotFound) only when a successful list omits the client
// or shows it revoked. For an omitted client it waits, up to
// corroborationSettle after the last one, for the reads of other clients to
// arrive, and reports whether the list holds any of them (Corroborated).
func (s *OAuth2ClientsService) Get(ctx context.Context, clientID string) (*OAuth2Client, error) {
	if clientID == "" {
		return nil, errors.New("flexslot: client ID must not be empty")
	}
	s.client.claim(clientID)
	r, err := s.client.lists.get(ctx)
	if err != nil {
		return nil, err
	}
	c, err := findLive(r, clientID)
	var nf *NotFoundError
	if errors.As(err, &nf) && !nf.Revoked {
		nf.Corroborated = s.client.awaitCorroboration(ctx, r, clientID)
	}
	return c, err
}

// findLive returns the client from r, or ErrNotFound when r omits it or shows it revoked.
func findLive(r *listResult, clientID string) (*OAuth2Client, error) {
	for i := range r.clients {
		if r.clients[i].ClientID != clientID {
			continue
		}
		if r.clients[i].Status == StatusRevoked {
			return nil, &NotFoundError{ClientID: clientID, Revoked: true}
		}
		c := cloneClient(r.clients[i])
		return &c, nil
	}
	return nil, &NotFoundError{ClientID: clientID}
}

// RotateSecret issues a new secret for a confidential client; the old one
// stops working at once. A lost answer is recovered by rotating again, which
// leaves the last secret issued current.
func (s *OAuth2ClientsService) RotateSecret(ctx context.Context, clientID string) (*IssuedSecret, error) {
	if clientID == "" {
		return nil, errors.New("flexslot: client ID must not be empty")
	}
	s.client.claim(clientID)
	issued, err := s.rotate(ctx, clientID)
	if err != nil {
		return nil, s.checkGone(ctx, clientID, err)
	}
	return issued, nil
}

func (s *OAuth2ClientsService) rotate(ctx context.Context, clientID string) (*IssuedSecret, error) {
	c := s.client
	var issued *IssuedSecret
	_, err := c.do(ctx, &call{
		method: http.MethodPost, path: clientPath(clientID, "/rotate-secret"),
		idempotencyKey: uuid.NewString(), resendLost: true, reserve: true,
		decode: func(body []byte) (err error) {
			issued, err = c.decodeIssued(body, ClientTypeConfidential, clientID)
			return err
		},
	}, c.policy.newBudget())
	if err != nil {
		return nil, err
	}
	return issued, nil
}

// Update changes the given fields of a client with one PATCH and returns the
// client as Flexslot answered it. A 405, or a 404 while the list shows the
// client active or suspended, matches ErrUpdateUnsupported; a 404 while a
// successful list omits the client or shows it revoked matches ErrNotFound.
func (s *OAuth2ClientsService) Update(ctx context.Context, clientID string, req UpdateRequest) (*OAuth2Client, error) {
	if clientID == "" {
		return nil, errors.New("flexslot: client ID must not be empty")
	}
	c := s.client
	c.claim(clientID)
	body, err := marshal(req)
	if err != nil {
		return nil, err
	}
	cl := &call{method: http.MethodPatch, path: clientPath(clientID, ""), body: body, resendLost: true}
	var updated *OAuth2Client
	cl.decode = func(body []byte) (err error) {
		updated, err = decodeClientAnswer(body, clientID)
		return err
	}
	a, err := c.do(ctx, cl, c.policy.newBudget())
	if err == nil {
		if fields := notApplied(req, updated); len(fields) > 0 {
			return updated, &UpdateNotAppliedError{
				ClientID: clientID, Fields: fields, RequestID: c.clean(a.header.Get("X-Request-Id"), 100),
			}
		}
		return updated, nil
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return nil, err
	}
	switch apiErr.StatusCode {
	case http.StatusMethodNotAllowed:
		return nil, &updateUnsupportedError{op: cl.op(), err: apiErr}
	case http.StatusNotFound:
		r, listErr := c.lists.fresh(ctx)
		if listErr != nil {
			return nil, fmt.Errorf("%w; listing the partner's clients to tell whether the client exists failed: %w", err, listErr)
		}
		live, goneErr := findLive(r, clientID)
		if goneErr != nil {
			return nil, goneErr
		}
		return nil, &updateUnsupportedError{op: cl.op(), status: statusText(live.Status), err: apiErr}
	}
	return nil, err
}

// notApplied names the fields of req whose value in the answer differs from
// what was sent: an update that did not take.
func notApplied(req UpdateRequest, c *OAuth2Client) []string {
	var fields []string
	str := func(name string, sent *string, got string) {
		if sent != nil && *sent != got {
			fields = append(fields, name)
		}
	}
	set := func(name string, sent, got []string) {
		if sent != nil && !sameSet(sent, got) {
			fields = append(fields, name)
		}
	}
	str("application_name", req.ApplicationName, c.ApplicationName)
	set("redirect_uris", req.RedirectURIs, c.RedirectURIs)
	set("allowed_scopes", req.AllowedScopes, c.AllowedScopes)
	set("grant_types", req.GrantTypes, c.GrantTypes)
	str("application_url", req.ApplicationURL, c.ApplicationURL)
	str("application_logo_url", req.ApplicationLogoURL, c.ApplicationLogoURL)
	str("privacy_policy_url", req.PrivacyPolicyURL, c.PrivacyPolicyURL)
	str("tos_url", req.TosURL, c.TosURL)
	return fields
}

// Revoke revokes a client and, with it, every grant and token issued under it.
// It is done only when a list started after DELETE returned no longer shows the
// client active or suspended; a 404 from DELETE is confirmed the same way, so
// Revoke returns nil for a client that is already gone. When the list still
// shows the client, or fails, the error is *RevokeUnconfirmedError.
//
// DELETE is not published. A 405, or a 404 in the API's own error shape,
// while the list still shows the client active or suspended, matches
// ErrRevokeUnsupported: Flexslot offers no revoke through its API. A 405 for a
// client the list no longer shows (revoked in the dashboard) is nil.
func (s *OAuth2ClientsService) Revoke(ctx context.Context, clientID string) error {
	if clientID == "" {
		return errors.New("flexslot: client ID must not be empty")
	}
	c := s.client
	c.claim(clientID)
	cl := &call{method: http.MethodDelete, path: clientPath(clientID, ""), resendLost: true}
	a, err := c.do(ctx, cl, c.policy.newBudget())
	var apiErr *APIError
	if err != nil {
		switch {
		case !errors.As(err, &apiErr):
			return err
		case apiErr.StatusCode == http.StatusMethodNotAllowed:
			if r, listErr := c.lists.fresh(ctx); listErr == nil && !listsLive(r, clientID) {
				return nil // revoked in the dashboard: nothing left to do
			}
			return &revokeUnsupportedError{op: cl.op(), err: apiErr}
		case apiErr.StatusCode != http.StatusNotFound || a == nil:
			return err
		}
	}
	unconfirmed := &RevokeUnconfirmedError{
		ClientID:    clientID,
		StatusCode:  a.status,
		ContentType: c.clean(mediaType(a.header), 100),
		RequestID:   c.clean(a.header.Get("X-Request-Id"), 100),
	}
	r, err := c.lists.fresh(ctx)
	if err != nil {
		unconfirmed.ListErr = err
		return unconfirmed
	}
	for _, listed := range r.clients {
		if listed.ClientID != clientID || (listed.Status != StatusActive && listed.Status != StatusSuspended && listed.Status != "") {
			continue
		}
		if apiErr != nil && apiErr.parsed {
			return &revokeUnsupportedError{op: cl.op(), status: statusText(listed.Status), err: apiErr}
		}
		unconfirmed.ListedStatus = statusText(listed.Status)
		return unconfirmed
	}
	return nil
}

// listsLive reports whether r shows the client, and not as revoked.
func listsLive(r *listResult, clientID string) bool {
	_, err := findLive(r, clientID)
	return err == nil
}

// checkGone turns a 404 answer into ErrNotFound when a fresh list confirms
// the client is gone, or into *ListedNotFoundError when it shows the client;
// any other error is returned as is.
func (s *OAuth2ClientsService) checkGone(ctx context.Context, clientID string, err error) error {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		return err
	}
	r, listErr := s.client.lists.fresh(ctx)
	if listErr != nil {
		return fmt.Errorf("%w; listing the partner's clients to tell whether the client exists failed: %w", err, listErr)
	}
	live, goneErr := findLive(r, clientID)
	if goneErr != nil {
		return goneErr
	}
	return &ListedNotFoundError{ClientID: clientID, Status: statusText(live.Status), Err: err}
}

func statusText(status string) string {
	if status == "" {
		return "without a status"
	}
	return status
}

// clientPath escapes the opaque client ID as one path segment. "." and "..",
// which URLs treat as path steps, are escaped too, so that no ID can reach
// another route.
func clientPath(clientID, suffix string) string {
	segment := url.PathEscape(clientID)
	if segment == "." || segment == ".." {
		segment = strings.Repeat("%2E", len(segment))
	}
	return oauth2ClientsPath + "/" + segment + suffix
}

func cloneClient(c OAuth2Client) OAuth2Client {
	c.RedirectURIs = slices.Clone(c.RedirectURIs)
	c.AllowedScopes = slices.Clone(c.AllowedScopes)
	c.GrantTypes = slices.Clone(c.GrantTypes)
	if c.SecretRotatedAt != nil {
		t := *c.SecretRotatedAt
		c.SecretRotatedAt = &t
	}
	if c.LastUsedAt != nil {
		t := *c.LastUsedAt
		c.LastUsedAt = &t
	}
	return c
}

// fetchList makes one list call. Only sharedList calls it.
func (c *Client) fetchList(ctx context.Context) (*listResult, error) {
	started := time.Now()
	var clients []OAuth2Client
	a, err := c.do(ctx, &call{
		method: http.MethodGet, path: oauth2ClientsPath, resendLost: true,
		decode: func(body []byte) (err error) {
			clients, err = decodeList(body)
			return err
		},
	}, c.policy.newBudget())
	if err != nil {
		return nil, err
	}
	r := &listResult{clients: clients, started: started, completed: time.Now()}
	if d, err := http.ParseTime(a.header.Get("Date")); err == nil {
		r.serverDate = d
	}
	ids := make([]string, len(clients))
	for i := range clients {
		ids[i] = clients[i].ClientID
	}
	c.markSeen(ids, r.completed)
	return r, nil
}
