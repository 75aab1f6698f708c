package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v4"
)

// snapshot runs goreleaser check, then a snapshot release into root/dist of
// linux_amd64 (of every target with allTargets), signed with a throwaway key
// in a keyring under work when gpg is there; GNUPGHOME then names that keyring,
// for the signature's check. It reports whether the snapshot was signed.
func snapshot(ctx context.Context, root, work string, allTargets bool, stdout, stderr io.Writer) (signed bool, err error) {
	goreleaser := []string{filepath.Join(root, "tools", "gotool.sh"), "goreleaser"}
	if g := os.Getenv("GORELEASER"); g != "" {
		goreleaser = []string{g}
	}
	env := os.Environ()
	run := func(args ...string) error {
		cmd := exec.CommandContext(ctx, goreleaser[0], append(goreleaser[1:], args...)...)
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = root, env, stdout, stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("goreleaser %s: %w", strings.Join(args, " "), err)
		}
		return nil
	}
	if err := run("check"); err != nil {
		return false, err
	}

	config := filepath.Join(root, ".goreleaser.yml")
	if !allTargets {
		data, err := os.ReadFile(config)
		if err != nil {
			return false, err
		}
		one, err := singleTarget(data, "provider")
		if err != nil {
			return false, fmt.Errorf(".goreleaser.yml: %w", err)
		}
		config = filepath.Join(work, "goreleaser.yml")
		if err := os.WriteFile(config, one, 0o644); err != nil {
			return false, err
		}
	}

	// Without a git remote goreleaser leaves the commit out of the snapshot's
	// version; name the repository for it then, whatever this clone is.
	if out, err := exec.CommandContext(ctx, "git", "-C", root, "remote").Output(); err == nil && len(bytes.TrimSpace(out)) == 0 {
		env = append(env, "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=remote.origin.url",
			"GIT_CONFIG_VALUE_0=https://"+module+".git")
	}

	// Sign as the release does, with a key made for this run, so that the
	// signing configuration and the checksum file it signs are checked too.
	args := []string{"release", "--config", config, "--snapshot", "--clean"}
	if fingerprint, gnupg, err := throwawayKey(ctx, work); err != nil {
		fmt.Fprintf(stdout, "release-check: %v: the snapshot is not signed\n", err)
		args = append(args, "--skip=sign")
	} else {
		env = append(env, "GNUPGHOME="+gnupg, "GPG_FINGERPRINT="+fingerprint)
		if err := os.Setenv("GNUPGHOME", gnupg); err != nil {
			return false, err
		}
		signed = true
		fmt.Fprintf(stdout, "release-check: signing the snapshot with a throwaway key, %s\n", fingerprint)
	}
	return signed, run(args...)
}

// throwawayKey makes a signing key in a new keyring under dir, valid for a day.
func throwawayKey(ctx context.Context, dir string) (fingerprint, gnupg string, err error) {
	for _, tool := range []string{"gpg", "gpgconf"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", "", fmt.Errorf("%s not found", tool)
		}
	}
	gnupg = filepath.Join(dir, "gnupg")
	if err := os.Mkdir(gnupg, 0o700); err != nil {
		return "", "", err
	}
	gpg := func(stdin string, args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "gpg", append([]string{"--batch", "--quiet"}, args...)...)
		cmd.Env = append(os.Environ(), "GNUPGHOME="+gnupg)
		cmd.Stdin = strings.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("gpg %s: %w: %s", args[0], err, bytes.TrimSpace(stderr.Bytes()))
		}
		return out, nil
	}
	if _, err := gpg(`%no-protection
Key-Type: RSA
Key-Length: 2048
Key-Usage: sign
Name-Real: `+project+` release check
Name-Email: release-check@example.com
Expire-Date: 1d
%commit
`, "--gen-key"); err != nil {
		return "", "", err
	}
	out, err := gpg("", "--with-colons", "--list-secret-keys")
	if err != nil {
		return "", "", err
	}
	for line := range strings.Lines(string(out)) {
		if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "fpr" {
			return f[9], gnupg, nil
		}
	}
	return "", "", errors.New("gpg made no key")
}

// snapshotTarget is the one target a snapshot builds without -all-targets.
const snapshotTarget = "linux_amd64_v1"

// singleTarget returns the goreleaser configuration with the build id
// limited to snapshotTarget.
func singleTarget(config []byte, id string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(config, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) != 1 {
		return nil, errors.New("not a YAML document")
	}
	builds := mapValue(doc.Content[0], "builds")
	if builds == nil || builds.Kind != yaml.SequenceNode {
		return nil, errors.New("no builds")
	}
	for _, b := range builds.Content {
		if v := mapValue(b, "id"); v == nil || v.Value != id {
			continue
		}
		if mapValue(b, "targets") != nil {
			return nil, fmt.Errorf("build %s already sets targets", id)
		}
		b.Content = append(b.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Value: "targets"},
			&yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: snapshotTarget}}},
		)
		return yaml.Marshal(&doc)
	}
	return nil, fmt.Errorf("no build with id %s", id)
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
