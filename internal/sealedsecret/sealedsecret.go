// Package sealedsecret encrypts a client secret to age recipients, so that the
// plaintext never has to be written anywhere: X25519 recipients (age1...) and
// SSH public keys (ssh-ed25519 ..., ssh-rsa ...), as the age command accepts
// them. The result is ASCII-armored and decrypts with `age -d -i key`.
package sealedsecret

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"filippo.io/age/armor"
)

// ParseRecipient parses one recipient, or says why it is not one.
func ParseRecipient(s string) (age.Recipient, error) {
	switch {
	case strings.HasPrefix(s, "age1"):
		r, err := age.ParseX25519Recipient(s)
		if err != nil {
			return nil, errors.New("is not a valid age X25519 recipient (age1...): " + trimAgePrefix(err))
		}
		return r, nil
	case strings.HasPrefix(s, "ssh-ed25519 "), strings.HasPrefix(s, "ssh-rsa "):
		r, err := agessh.ParseRecipient(s)
		if err != nil {
			return nil, errors.New("is not a valid SSH public key: " + trimAgePrefix(err))
		}
		return r, nil
	}
	return nil, errors.New("is neither an age recipient (age1...) nor an ssh-ed25519 or ssh-rsa public key")
}

func trimAgePrefix(err error) string {
	msg := err.Error()
	for _, p := range []string{"malformed recipient ", "age: ", "agessh: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return msg
}

// Seal encrypts secret to every recipient and returns the armored ciphertext.
func Seal(secret string, recipients []string) (string, error) {
	if len(recipients) == 0 {
		return "", errors.New("no recipients")
	}
	parsed := make([]age.Recipient, 0, len(recipients))
	for _, s := range recipients {
		r, err := ParseRecipient(s)
		if err != nil {
			return "", fmt.Errorf("recipient %q %w", s, err)
		}
		parsed = append(parsed, r)
	}
	var out bytes.Buffer
	aw := armor.NewWriter(&out)
	w, err := age.Encrypt(aw, parsed...)
	if err != nil {
		return "", fmt.Errorf("encrypting the client secret: %w", err)
	}
	if _, err := io.WriteString(w, secret); err != nil {
		return "", fmt.Errorf("encrypting the client secret: %w", err)
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("encrypting the client secret: %w", err)
	}
	if err := aw.Close(); err != nil {
		return "", fmt.Errorf("encrypting the client secret: %w", err)
	}
	return out.String(), nil
}

// Open decrypts armored ciphertext made by Seal with identities in the format
// `age -i` reads (age-keygen output, or an SSH private key).
func Open(armored string, identities ...age.Identity) (string, error) {
	r, err := age.Decrypt(armor.NewReader(strings.NewReader(armored)), identities...)
	if err != nil {
		return "", err
	}
	b, err := io.ReadAll(r)
	return string(b), err
}
