package flexslot

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// Client types and statuses.
const (
	ClientTypeConfidential = "confidential"
	ClientTypePublic       = "public"

	StatusActive    = "active"
	StatusSuspended = "suspended"
)

const oauth2ClientsPath = "/me/partner/oauth2-clients"

// OAuth2ClientsService manages the partner's OAuth2 clients.
type OAuth2ClientsService struct {
	client *Client
}

// OAuth2Client is an OAuth2 client as the API returns it. It never holds the secret.
type OAuth2Client struct {
	ClientID        string
	ClientType      string
	ApplicationName string
	RedirectURIs    []string
	AllowedScopes   []string
	Status          string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	SecretRotatedAt *time.Time // nil for public clients
}

// IssuedSecret is the answer to Create and RotateSecret, the only time a secret
// is ever returned. Secret is empty for public clients.
type IssuedSecret struct {
	Client          OAuth2Client
	Secret          string
	SecretRotatedAt *time.Time
}

// CreateRequest holds the fields of a new client.
type CreateRequest struct {
	ApplicationName string
	ClientType      string
	RedirectURIs    []string
	AllowedScopes   []string
}

// UpdateRequest holds the fields to change; nil fields are left unchanged.
// Lists replace the whole current value.
type UpdateRequest struct {
	ApplicationName *string
	RedirectURIs    []string
	AllowedScopes   []string
}

// List returns the active and suspended clients, oldest first.
func (s *OAuth2ClientsService) List(ctx context.Context) ([]OAuth2Client, error) {
	var out wireList
	if err := s.client.do(ctx, http.MethodGet, oauth2ClientsPath, nil, false, &out); err != nil {
		return nil, err
	}
	clients := make([]OAuth2Client, 0, len(out.Clients))
	for _, c := range out.Clients {
		clients = append(clients, c.toClient())
	}
	return clients, nil
}

// Get returns one client. Unknown, revoked and other partners' clients answer ErrNotFound.
func (s *OAuth2ClientsService) Get(ctx context.Context, clientID string) (*OAuth2Client, error) {
	p, err := clientPath(clientID, "")
	if err != nil {
		return nil, err
	}
	var out wireClientEnvelope
	if err := s.client.do(ctx, http.MethodGet, p, nil, false, &out); err != nil {
		return nil, err
	}
	c := out.Client.toClient()
	return &c, nil
}

// Create registers a client and returns it with its one-time secret.
func (s *OAuth2ClientsService) Create(ctx context.Context, req CreateRequest) (*IssuedSecret, error) {
	body := wireCreateRequest{
		ApplicationName: req.ApplicationName,
		ClientType:      req.ClientType,
		RedirectURIs:    nonNil(req.RedirectURIs),
		AllowedScopes:   nonNil(req.AllowedScopes),
	}
	var out wireSecretEnvelope
	if err := s.client.do(ctx, http.MethodPost, oauth2ClientsPath, body, true, &out); err != nil {
		return nil, err
	}
	return out.toIssuedSecret(), nil
}

// Update changes the given fields of a client with a single PATCH.
func (s *OAuth2ClientsService) Update(ctx context.Context, clientID string, req UpdateRequest) (*OAuth2Client, error) {
	p, err := clientPath(clientID, "")
	if err != nil {
		return nil, err
	}
	body := wireUpdateRequest(req)
	var out wireClientEnvelope
	if err := s.client.do(ctx, http.MethodPatch, p, body, false, &out); err != nil {
		return nil, err
	}
	c := out.Client.toClient()
	return &c, nil
}

// RotateSecret issues a new secret for a confidential client; the old one stops working at once.
func (s *OAuth2ClientsService) RotateSecret(ctx context.Context, clientID string) (*IssuedSecret, error) {
	p, err := clientPath(clientID, "/rotate-secret")
	if err != nil {
		return nil, err
	}
	var out wireSecretEnvelope
	if err := s.client.do(ctx, http.MethodPost, p, nil, true, &out); err != nil {
		return nil, err
	}
	return out.toIssuedSecret(), nil
}

// Revoke revokes a client and, with it, every grant and token issued under it.
func (s *OAuth2ClientsService) Revoke(ctx context.Context, clientID string) error {
	p, err := clientPath(clientID, "")
	if err != nil {
		return err
	}
	return s.client.do(ctx, http.MethodDelete, p, nil, false, nil)
}

func clientPath(clientID, suffix string) (string, error) {
	if clientID == "" {
		return "", errors.New("flexslot: client ID must not be empty")
	}
	return oauth2ClientsPath + "/" + url.PathEscape(clientID) + suffix, nil
}

// nonNil sends an absent list as [] so the server reports it as a validation error.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Wire types mirror the JSON of the API and stay separate from the public types.

type wireClient struct {
	ClientID        string     `json:"client_id"`
	ClientType      string     `json:"client_type"`
	ApplicationName string     `json:"application_name"`
	RedirectURIs    []string   `json:"redirect_uris"`
	AllowedScopes   []string   `json:"allowed_scopes"`
	Status          string     `json:"status"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	SecretRotatedAt *time.Time `json:"secret_rotated_at"`
}

func (w *wireClient) toClient() OAuth2Client {
	return OAuth2Client{
		ClientID:        w.ClientID,
		ClientType:      w.ClientType,
		ApplicationName: w.ApplicationName,
		RedirectURIs:    nonNil(w.RedirectURIs),
		AllowedScopes:   nonNil(w.AllowedScopes),
		Status:          w.Status,
		CreatedAt:       w.CreatedAt,
		UpdatedAt:       w.UpdatedAt,
		SecretRotatedAt: w.SecretRotatedAt,
	}
}

func (w *wireClient) validate() error {
	if w == nil || w.ClientID == "" {
		return errors.New("missing client")
	}
	return nil
}

type wireList struct {
	Clients []wireClient `json:"clients"`
}

func (w *wireList) validate() error {
	for i := range w.Clients {
		if err := w.Clients[i].validate(); err != nil {
			return err
		}
	}
	return nil
}

type wireClientEnvelope struct {
	Client *wireClient `json:"client"`
}

func (w *wireClientEnvelope) validate() error { return w.Client.validate() }

type wireSecretEnvelope struct {
	Client          *wireClient `json:"client"`
	Secret          string      `json:"plaintext_client_secret"`
	SecretRotatedAt *time.Time  `json:"secret_rotated_at"`
}

func (w *wireSecretEnvelope) validate() error {
	if err := w.Client.validate(); err != nil {
		return err
	}
	if w.Client.ClientType == ClientTypeConfidential && w.Secret == "" {
		return errors.New("missing secret for a confidential client")
	}
	return nil
}

func (w *wireSecretEnvelope) toIssuedSecret() *IssuedSecret {
	return &IssuedSecret{Client: w.Client.toClient(), Secret: w.Secret, SecretRotatedAt: w.SecretRotatedAt}
}

type wireCreateRequest struct {
	ApplicationName string   `json:"application_name"`
	ClientType      string   `json:"client_type"`
	RedirectURIs    []string `json:"redirect_uris"`
	AllowedScopes   []string `json:"allowed_scopes"`
}

// wireUpdateRequest uses omitzero so that nil means "not sent" while an empty list is sent as [].
type wireUpdateRequest struct {
	ApplicationName *string  `json:"application_name,omitzero"`
	RedirectURIs    []string `json:"redirect_uris,omitzero"`
	AllowedScopes   []string `json:"allowed_scopes,omitzero"`
}
