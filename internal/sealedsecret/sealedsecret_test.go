package sealedsecret

import (
	"crypto/ed25519"
	"crypto/rand"
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
		"AGE-SECRET-KEY-1QQQ":          "neither an age recipient",
	} {
		if _, err := ParseRecipient(s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseRecipient(%q) = %v, want an error containing %q", s, err, want)
		}
	}
}
