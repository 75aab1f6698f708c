package flexslot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The public types carry the JSON tags and are decoded directly; the
// envelopes below only validate answers before anything is returned.

// secretEnvelope is the one-time-secret answer of create and rotate.
type secretEnvelope struct {
	Client          *OAuth2Client `json:"client"`
	Secret          *string       `json:"plaintext_client_secret"`
	SecretRotatedAt *time.Time    `json:"secret_rotated_at"`
}

// decodeList reads the list answer: a bare JSON array of clients.
func decodeList(body []byte) ([]OAuth2Client, error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, errors.New("empty body")
	}
	if trimmed[0] != '[' {
		if trimmed[0] == '{' {
			return nil, errors.New("the answer is a JSON object, not the array of clients Flexslot publishes")
		}
		if !json.Valid(trimmed) {
			return nil, json.Unmarshal(trimmed, new(any))
		}
		return nil, errors.New("the answer is not the array of clients Flexslot publishes")
	}
	var clients []OAuth2Client
	if err := json.Unmarshal(body, &clients); err != nil {
		return nil, err
	}
	for i := range clients {
		if err := validateClient(&clients[i]); err != nil {
			return nil, fmt.Errorf("client %d of the list: %w", i, err)
		}
		normalize(&clients[i])
	}
	return clients, nil
}

// decodeIssued reads a one-time-secret answer. wantType is the client type
// asked for, which decides whether a secret is required when the answer does
// not say; wantID, when set, is the client the answer must be about. The
// secret is redacted from then on, even when the answer is refused.
func (c *Client) decodeIssued(body []byte, wantType, wantID string) (*IssuedSecret, error) {
	var env secretEnvelope
	err := json.Unmarshal(body, &env)
	if env.Secret != nil {
		c.secrets.add(*env.Secret)
	}
	if err != nil {
		return nil, err
	}
	if err := validateClient(env.Client); err != nil {
		return nil, err
	}
	if wantID != "" && env.Client.ClientID != wantID {
		return nil, errors.New("the answer describes another client")
	}
	clientType := env.Client.ClientType
	if clientType == "" {
		clientType = wantType
	}
	switch {
	case env.Secret == nil:
		return nil, errors.New("missing plaintext_client_secret")
	case *env.Secret == "" && clientType != ClientTypePublic:
		return nil, errors.New("missing secret for a confidential client")
	}
	normalize(env.Client)
	issued := &IssuedSecret{Client: *env.Client, Secret: *env.Secret, SecretRotatedAt: env.SecretRotatedAt}
	if issued.SecretRotatedAt == nil && issued.Secret != "" {
		issued.SecretRotatedAt = env.Client.SecretRotatedAt
	}
	return issued, nil
}

// decodeClientAnswer reads an answer holding one client, as {"client": …} or bare.
func decodeClientAnswer(body []byte, wantID string) (*OAuth2Client, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, err
	}
	raw := json.RawMessage(body)
	if inner, ok := probe["client"]; ok && probe["client_id"] == nil {
		raw = inner
	}
	var client *OAuth2Client
	if err := json.Unmarshal(raw, &client); err != nil {
		return nil, err
	}
	if err := validateClient(client); err != nil {
		return nil, err
	}
	if client.ClientID != wantID {
		return nil, errors.New("the answer describes another client")
	}
	normalize(client)
	return client, nil
}

func validateClient(c *OAuth2Client) error {
	if c == nil {
		return errors.New("missing client")
	}
	if c.ClientID == "" {
		return errors.New("missing client_id")
	}
	return nil
}

// normalize makes absent lists empty.
func normalize(c *OAuth2Client) {
	c.RedirectURIs = nonNil(c.RedirectURIs)
	c.AllowedScopes = nonNil(c.AllowedScopes)
	c.GrantTypes = nonNil(c.GrantTypes)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("flexslot: encoding the request: %w", err)
	}
	return b, nil
}
