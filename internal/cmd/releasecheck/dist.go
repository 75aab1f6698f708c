package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"

	"go.yaml.in/yaml/v4"
)

// artifact is an entry of goreleaser's dist/artifacts.json.
type artifact struct {
	Name string `json:"name"`
	Path string `json:"path"`
	Type string `json:"type"`
}

// uploadedTypes are the artifact types a goreleaser release uploads
// (artifact.ReleaseUploadableTypes); builds and metadata stay behind.
var uploadedTypes = []string{"Archive", "File", "Checksum", "Signature", "Certificate", "Source", "Linux Package", "SBOM"}

// uploads returns the files a release of goreleaser's dist/ in c.Dir uploads,
// by the name each gets: the uploadable artifacts of artifacts.json, and each
// release.extra_files entry of config.yaml under its name_template (a snapshot
// does not run the release, so artifacts.json does not list those).
func (c Check) uploads(r *report, projectName string) (map[string]string, error) {
	data, err := os.ReadFile(filepath.Join(c.Dir, "artifacts.json"))
	if err != nil {
		return nil, fmt.Errorf("%w: not a goreleaser dist/", err)
	}
	var artifacts []artifact
	if err := json.Unmarshal(data, &artifacts); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(c.Dir, "artifacts.json"), err)
	}
	files := map[string]string{}
	for _, a := range artifacts {
		if !slices.Contains(uploadedTypes, a.Type) {
			continue
		}
		path, err := c.artifactPath(a)
		if err != nil {
			r.fail("artifacts.json: %s: %v", a.Name, err)
			continue
		}
		files[a.Name] = path
	}

	config, err := os.ReadFile(filepath.Join(c.Dir, "config.yaml"))
	if err != nil {
		return nil, fmt.Errorf("%w: not a goreleaser dist/", err)
	}
	var cfg struct {
		Release struct {
			ExtraFiles []struct {
				Glob         string `yaml:"glob"`
				NameTemplate string `yaml:"name_template"`
			} `yaml:"extra_files"`
		} `yaml:"release"`
	}
	if err := yaml.Unmarshal(config, &cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(c.Dir, "config.yaml"), err)
	}
	for _, extra := range cfg.Release.ExtraFiles {
		matches, err := filepath.Glob(filepath.Join(c.Root, extra.Glob))
		if err != nil {
			r.fail("release.extra_files: %s: %v", extra.Glob, err)
			continue
		}
		matches = slices.DeleteFunc(matches, func(p string) bool {
			fi, err := os.Stat(p)
			return err != nil || !fi.Mode().IsRegular()
		})
		if len(matches) != 1 {
			r.fail("release.extra_files: %s matches %d files, not 1", extra.Glob, len(matches))
			continue
		}
		name := filepath.Base(matches[0])
		if extra.NameTemplate != "" {
			if name, err = renderName(extra.NameTemplate, projectName, c.Version); err != nil {
				r.fail("release.extra_files: cannot tell the name '%s' gives %s", extra.NameTemplate, extra.Glob)
				continue
			}
		}
		files[name] = matches[0]
		r.say("uploaded as %s: %s (release.extra_files)", name, extra.Glob)
	}
	return files, nil
}

// artifactPath finds an artifact's file: goreleaser writes paths relative to
// the directory it ran in, the parent of dist/.
func (c Check) artifactPath(a artifact) (string, error) {
	candidates := []string{a.Path}
	if !filepath.IsAbs(a.Path) {
		candidates = []string{filepath.Join(filepath.Dir(c.Dir), a.Path), filepath.Join(c.Dir, filepath.Base(a.Path))}
	}
	for _, p := range candidates {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("no file at %s", a.Path)
}

// renderName renders a name_template with the fields the check knows; any
// other field is an error.
func renderName(text, projectName, version string) (string, error) {
	tmpl, err := template.New("name").Option("missingkey=error").Parse(text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, map[string]string{"ProjectName": projectName, "Version": version}); err != nil {
		return "", err
	}
	return b.String(), nil
}
