// Package sealedsecret encrypts a client secret to age recipients, so that the
// plaintext never has to be written anywhere: X25519 recipients (age1...) and
// SSH public keys (ssh-ed25519 ..., ssh-rsa ...), as the age command accepts
// them. The result is ASCII-armored and decrypts with `age -d -i key`, or in
// memory with Open and the identities ParseIdentities reads.
package sealedsecret

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"filippo.io/age/armor"
	"golang.org/x/crypto/ssh"
)

// ParseRecipient parses one recipient, or says why it is not one. White space
// around it, such as the newline file() keeps, is ignored. Its errors never
// repeat s.
func ParseRecipient(s string) (age.Recipient, error) {
	s = strings.TrimSpace(s)
	if kind, ok := PrivateKeyKind(s); ok {
		return nil, &PrivateKeyError{Kind: kind}
	}
	switch {
	case strings.HasPrefix(s, "age1"):
		r, err := age.ParseX25519Recipient(s)
		if err != nil {
			return nil, errors.New("is not a valid age X25519 recipient (age1...): " + parseError(err, s))
		}
		return r, nil
	case strings.HasPrefix(s, "ssh-ed25519 "), strings.HasPrefix(s, "ssh-rsa "):
		r, err := agessh.ParseRecipient(s)
		if err != nil {
			return nil, errors.New("is not a valid SSH public key: " + parseError(err, s))
		}
		return r, nil
	}
	return nil, errors.New("is neither an age recipient (age1...) nor an ssh-ed25519 or ssh-rsa public key")
}

// PrivateKeyError says a recipient is a private key, which must never be
// repeated in a message.
type PrivateKeyError struct {
	// Kind is "age identity" or "SSH private key".
	Kind string
}

func (e *PrivateKeyError) Error() string {
	if e.Kind == "age identity" {
		return "is an age identity, a private key (not shown here); give its public recipient (age1...) instead, " +
			"which `age-keygen -y <identity file>` prints"
	}
	return "is an SSH private key (not shown here); give its public key instead: the .pub file next to it, or what " +
		"`ssh-keygen -y -f <key file>` prints"
}

// PrivateKeyKind reports whether s holds something that looks like a private
// key, and which kind: an age identity or a PEM or OpenSSH private key block.
func PrivateKeyKind(s string) (string, bool) {
	upper := strings.ToUpper(s)
	switch {
	case strings.Contains(upper, "AGE-SECRET-KEY-1"):
		return "age identity", true
	case strings.Contains(upper, "PRIVATE KEY-----"), strings.Contains(upper, "PUTTY-USER-KEY-FILE"):
		return "SSH private key", true
	}
	return "", false
}

// CanonicalRecipient is the form of a recipient that two spellings of the
// same key share: without surrounding white space, and for an SSH key
// without its comment, which is not part of the key.
func CanonicalRecipient(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "ssh-") {
		if fields := strings.Fields(s); len(fields) >= 2 {
			return fields[0] + " " + fields[1]
		}
	}
	return s
}

// parseError is the age library's reason, without the prefixes and the
// quoted value it repeats.
func parseError(err error, s string) string {
	msg := strings.ReplaceAll(err.Error(), strconv.Quote(s)+": ", "")
	for _, p := range []string{"malformed recipient ", "malformed SSH recipient: ", "age: ", "agessh: "} {
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
			return "", fmt.Errorf("a recipient %w", err)
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

// armorHeader opens every ciphertext Seal makes.
const armorHeader = "-----BEGIN AGE ENCRYPTED FILE-----"

var (
	// ErrNotCiphertext is returned by Open for text that is not ASCII-armored
	// age ciphertext, or that is damaged.
	ErrNotCiphertext = errors.New("is not ASCII-armored age ciphertext (it must begin with " + armorHeader + ")")
	// ErrNoIdentityMatched is returned by Open when the ciphertext is not
	// encrypted to any of the identities.
	ErrNoIdentityMatched = errors.New("no identity matched a recipient of the ciphertext")
	// ErrPassphraseProtected is returned by ParseIdentities for an SSH private
	// key encrypted with a passphrase, which nothing can prompt for.
	ErrPassphraseProtected = errors.New("is a passphrase-protected SSH private key, and there is no way to enter its passphrase: " +
		"give an unencrypted copy of the key (ssh-keygen -p -N \"\" -f copy-of-key) or an age identity")
)

// Open decrypts armored ciphertext made by Seal with identities in the format
// `age -i` reads (age-keygen output, or an SSH private key). Its errors never
// quote the ciphertext, the identities or the plaintext: ErrNotCiphertext, or
// ErrNoIdentityMatched saying which kinds of recipients the ciphertext has and
// which kinds of identities were tried.
func Open(armored string, identities ...age.Identity) (string, error) {
	if !strings.HasPrefix(strings.TrimSpace(armored), armorHeader) {
		return "", ErrNotCiphertext
	}
	r, err := age.Decrypt(armor.NewReader(strings.NewReader(strings.TrimSpace(armored))), identities...)
	var noMatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &noMatch):
		return "", fmt.Errorf("%w: the ciphertext is encrypted to %s, and the identities tried were %s",
			ErrNoIdentityMatched, describe(noMatch.StanzaTypes, "recipient", "recipients"),
			describe(identityKinds(identities), "identity", "identities"))
	case err != nil:
		return "", ErrNotCiphertext
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", ErrNotCiphertext
	}
	return string(b), nil
}

// ParseIdentities parses what `age -i` reads: age X25519 identities
// (AGE-SECRET-KEY-1...), one a line, with blank lines and # comments as
// age-keygen writes them; or one unencrypted OpenSSH (or PEM) ed25519 or RSA
// private key. Its errors never quote the text.
func ParseIdentities(text string) ([]age.Identity, error) {
	if strings.Contains(text, "-----BEGIN") {
		id, err := agessh.ParseIdentity([]byte(strings.TrimSpace(text) + "\n"))
		var missing *ssh.PassphraseMissingError
		switch {
		case errors.As(err, &missing):
			return nil, ErrPassphraseProtected
		case err != nil:
			return nil, errors.New("looks like a private key but is not an OpenSSH or PEM ed25519 or RSA private key")
		}
		return []age.Identity{id}, nil
	}
	var ids []age.Identity
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !strings.HasPrefix(line, "AGE-SECRET-KEY-1") {
			return nil, fmt.Errorf("has, on line %d, something that is neither an age identity (AGE-SECRET-KEY-1...), a # comment, "+
				"nor part of an SSH private key", n+1)
		}
		id, err := age.ParseX25519Identity(line)
		if err != nil {
			return nil, fmt.Errorf("has, on line %d, an age X25519 identity that is damaged or truncated", n+1)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, errors.New("holds no identity: give age identities (AGE-SECRET-KEY-1...), one a line, or an SSH private key")
	}
	return ids, nil
}

// identityKinds names the kind of each identity as age names recipient stanzas.
func identityKinds(ids []age.Identity) []string {
	kinds := make([]string, 0, len(ids))
	for _, id := range ids {
		switch id.(type) {
		case *age.X25519Identity:
			kinds = append(kinds, "X25519")
		case *agessh.Ed25519Identity:
			kinds = append(kinds, "ssh-ed25519")
		case *agessh.RSAIdentity:
			kinds = append(kinds, "ssh-rsa")
		default:
			kinds = append(kinds, fmt.Sprintf("%T", id))
		}
	}
	return kinds
}

// describe counts kinds: "2 X25519 recipients and 1 ssh-ed25519 recipient".
func describe(kinds []string, noun, nouns string) string {
	var order []string
	counts := map[string]int{}
	for _, k := range kinds {
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	parts := make([]string, 0, len(order))
	for _, k := range order {
		n := noun
		if counts[k] != 1 {
			n = nouns
		}
		parts = append(parts, fmt.Sprintf("%d %s %s", counts[k], k, n))
	}
	switch len(parts) {
	case 0:
		return "no " + nouns
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
