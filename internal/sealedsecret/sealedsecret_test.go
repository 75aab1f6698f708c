package sealedsecret

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"golang.org/x/crypto/ssh"
)

func TestSealOpenX25519(t *testing.T) {
	t.Parallel()
	a, _ := age.GenerateX25519Identity()
	b, _ := age.GenerateX25519Identity()
	sealed, err := Seal("flx_cs_secret", []string{a.Recipient().String(), b.Recipient().String()})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sealed, "-----BEGIN AGE ENCRYPTED FILE-----") || strings.Contains(sealed, "flx_cs_") {
		t.Fatalf("not armored ciphertext: %q", sealed)
	}
	for _, id := range []age.Identity{a, b} {
		if got, err := Open(sealed, id); err != nil || got != "flx_cs_secret" {
			t.Fatalf("Open = %q, %v", got, err)
		}
	}
	other, _ := age.GenerateX25519Identity()
	if _, err := Open(sealed, other); err == nil {
		t.Fatal("a stranger's identity decrypted the secret")
	}
}

func TestSealOpenSSHEd25519(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	recipient := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))) + " ops@example.com"
	sealed, err := Seal("flx_cs_secret", []string{recipient})
	if err != nil {
		t.Fatal(err)
	}
	id, err := agessh.NewEd25519Identity(priv)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Open(sealed, id); err != nil || got != "flx_cs_secret" {
		t.Fatalf("Open = %q, %v", got, err)
	}
}

func TestParseRecipientRefusals(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]string{
		"":                             "neither an age recipient",
		"age1notbech32":                "not a valid age X25519 recipient",
		"ssh-ed25519 AAAAnot-base64!":  "not a valid SSH public key",
		"ssh-dss AAAAB3NzaC1kc3MAAACB": "neither an age recipient",
		"AGE-SECRET-KEY-1QQQ":          "is an age identity, a private key (not shown here)",
		"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n": "`ssh-keygen -y -f <key file>`",
		"  -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n":                                              "is an SSH private key",
	} {
		_, err := ParseRecipient(s)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseRecipient(%q) = %v, want an error containing %q", s, err, want)
		}
		if s != "" && err != nil && strings.Contains(err.Error(), strings.TrimSpace(s)) {
			t.Errorf("ParseRecipient(%q) repeats the value: %v", s, err)
		}
	}
}

func TestParseRecipientTrimsWhiteSpace(t *testing.T) {
	t.Parallel()
	id, _ := age.GenerateX25519Identity()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		id.Recipient().String() + "\n", // as file() reads it
		"  " + id.Recipient().String() + "\r\n",
		string(ssh.MarshalAuthorizedKey(sshPub)), // ends with a newline
	} {
		if _, err := ParseRecipient(s); err != nil {
			t.Errorf("ParseRecipient(%q) = %v", s, err)
		}
	}
	if _, err := Seal("flx_cs_secret", []string{id.Recipient().String() + "\n"}); err != nil {
		t.Errorf("Seal to a recipient with a trailing newline: %v", err)
	}
}

func TestCanonicalRecipient(t *testing.T) {
	t.Parallel()
	const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsb"
	for in, want := range map[string]string{
		key:                          key,
		key + " alice@laptop":        key,
		key + " alice@desktop\n":     key,
		"  " + key + "  two words  ": key,
		"age1abc\n":                  "age1abc",
		"ssh-rsa AAAAB3 comment":     "ssh-rsa AAAAB3",
	} {
		if got := CanonicalRecipient(in); got != want {
			t.Errorf("CanonicalRecipient(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPrivateKeyKind(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]string{
		"AGE-SECRET-KEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGP": "age identity",
		"# created: 2026-01-01\nAGE-SECRET-KEY-1QYQ":                               "age identity",
		"-----BEGIN OPENSSH PRIVATE KEY-----":                                      "SSH private key",
		"-----BEGIN PRIVATE KEY-----":                                              "SSH private key",
		"PuTTY-User-Key-File-3: ssh-ed25519":                                       "SSH private key",
		"age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq":           "",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsb":                                 "",
		"https://app.example.com/cb":                                               "",
	} {
		got, ok := PrivateKeyKind(s)
		if got != want || ok != (want != "") {
			t.Errorf("PrivateKeyKind(%q) = %q, %v, want %q", s, got, ok, want)
		}
	}
}

func sshKeyPair(t *testing.T, passphrase string) (recipient, private string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "ops@example.com")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "ops@example.com", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))), string(pem.EncodeToMemory(block))
}

func TestParseIdentitiesAndOpen(t *testing.T) {
	t.Parallel()
	a, _ := age.GenerateX25519Identity()
	b, _ := age.GenerateX25519Identity()
	sshRecipient, sshPrivate := sshKeyPair(t, "")
	sealed, err := Seal("flx_cs_secret", []string{b.Recipient().String(), sshRecipient})
	if err != nil {
		t.Fatal(err)
	}
	keyFile := "# created: 2026-12-03T09:00:00Z\r\n# public key: " + a.Recipient().String() + "\r\n" + a.String() + "\r\n\r\n" +
		"# public key: " + b.Recipient().String() + "\n  " + b.String() + "  \n"
	for name, text := range map[string]string{
		"age-keygen file, CRLF, two identities": keyFile,
		"one identity":                          b.String(),
		"OpenSSH private key":                   sshPrivate,
		"OpenSSH private key, indented":         "\n  " + strings.TrimSpace(sshPrivate) + "\n",
	} {
		ids, err := ParseIdentities(text)
		if err != nil {
			t.Errorf("%s: ParseIdentities: %v", name, err)
			continue
		}
		if got, err := Open(sealed, ids...); err != nil || got != "flx_cs_secret" {
			t.Errorf("%s: Open = %q, %v", name, got, err)
		}
	}
	if ids, _ := ParseIdentities(keyFile); len(ids) != 2 {
		t.Errorf("the key file holds 2 identities, ParseIdentities found %d", len(ids))
	}
}

func TestParseIdentitiesRefusals(t *testing.T) {
	t.Parallel()
	a, _ := age.GenerateX25519Identity()
	_, protected := sshKeyPair(t, "correct horse")
	damaged := a.String()[:len(a.String())-3] + "QQQ"
	for name, tc := range map[string]struct {
		text, want string
		is         error
	}{
		"passphrase-protected SSH key": {protected, "passphrase-protected", ErrPassphraseProtected},
		"not a private key":            {"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "is not an OpenSSH or PEM ed25519 or RSA private key", nil},
		"a recipient, not an identity": {"# mine\n" + a.Recipient().String(), "has, on line 2, something that is neither an age identity", nil},
		"damaged identity":             {damaged, "has, on line 1, an age X25519 identity that is damaged", nil},
		"only comments":                {"# nothing here\n\n", "holds no identity", nil},
		"empty":                        {"", "holds no identity", nil},
	} {
		_, err := ParseIdentities(tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) || (tc.is != nil && !errors.Is(err, tc.is)) {
			t.Errorf("%s: error %v, want one saying %q", name, err, tc.want)
			continue
		}
		for _, line := range strings.Split(tc.text, "\n") {
			if len(line) > 12 && strings.Contains(err.Error(), line) {
				t.Errorf("%s: error %q quotes the identity", name, err)
			}
		}
	}
}

func TestOpenRefusals(t *testing.T) {
	t.Parallel()
	a, _ := age.GenerateX25519Identity()
	b, _ := age.GenerateX25519Identity()
	other, _ := age.GenerateX25519Identity()
	sshRecipient, _ := sshKeyPair(t, "")
	sealed, err := Seal("flx_cs_secret", []string{a.Recipient().String(), b.Recipient().String(), sshRecipient})
	if err != nil {
		t.Fatal(err)
	}

	_, err = Open(sealed, other)
	want := "no identity matched a recipient of the ciphertext: the ciphertext is encrypted to 2 X25519 recipients and " +
		"1 ssh-ed25519 recipient, and the identities tried were 1 X25519 identity"
	if !errors.Is(err, ErrNoIdentityMatched) || err.Error() != want {
		t.Errorf("wrong identity: error %q, want %q", err, want)
	}

	lines := strings.Split(sealed, "\n")
	truncated := strings.Join(append(lines[:2:2], lines[len(lines)-2:]...), "\n")
	for name, text := range map[string]string{
		"plaintext":      "flx_cs_secret",
		"empty":          "",
		"armor, garbage": "-----BEGIN AGE ENCRYPTED FILE-----\nbm90IGFnZQ==\n-----END AGE ENCRYPTED FILE-----\n",
		"truncated":      truncated,
	} {
		if _, err := Open(text, a); !errors.Is(err, ErrNotCiphertext) || strings.Contains(err.Error(), "flx_cs_") {
			t.Errorf("%s: error %v, want ErrNotCiphertext", name, err)
		}
	}
}
