package flexslot

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

const redactedMarker = "[REDACTED]"

// minRedactedValue is the shortest value redacted by value: shorter ones would
// mangle ordinary words while hiding nothing worth hiding.
const minRedactedValue = 4

// sensitiveFields are the JSON fields and form parameters whose values are
// never shown, whatever they look like.
var sensitiveFields = []string{"plaintext_client_secret", "plaintext_api_key", "client_secret", "access_token", "refresh_token", "authorization"}

var (
	// prefixPattern matches the documented prefixes of Flexslot secrets and tokens.
	prefixPattern = regexp.MustCompile(`(flx_(?:cs|pat|at|rt)_)[A-Za-z0-9._~+/=-]+`)
	// jsonFieldPattern matches a sensitive JSON field and its string value, even
	// when the text is cut short inside the value.
	jsonFieldPattern = regexp.MustCompile(`(?i)("(?:` + strings.Join(sensitiveFields, "|") + `)"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|\\?$)`)
	// formFieldPattern matches sensitive form or query parameters.
	formFieldPattern = regexp.MustCompile(`(?i)\b((?:` + strings.Join(sensitiveFields, "|") + `)=)[^&\s"',;]+`)
	// authPattern matches credentials after an Authorization header name or a
	// Bearer or Basic scheme.
	authPattern = regexp.MustCompile(`(?i)(\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}|(\bauthorization\s*:\s*)(?:(?:bearer|basic)\s+)?[^\s"',;]+`)
)

// Redact hides, in s, every Flexslot secret or token recognisable by its
// documented prefix (flx_cs_, flx_pat_, flx_at_), the values of the
// plaintext_client_secret, client_secret, access_token, refresh_token and
// Authorization fields, and Bearer or Basic credentials. Secrets need not
// carry a prefix: a Client also redacts, by value, its token and every secret
// it has seen (see Client.Redact).
func Redact(s string) string {
	if s == "" {
		return s
	}
	// The patterns run only where their words appear: most text has none.
	lower := strings.ToLower(s)
	if slices.ContainsFunc(sensitiveFields, func(f string) bool { return strings.Contains(lower, f) }) {
		s = jsonFieldPattern.ReplaceAllString(s, `${1}"`+redactedMarker+`"`)
		s = formFieldPattern.ReplaceAllString(s, "${1}"+redactedMarker)
	}
	if strings.Contains(lower, "bearer") || strings.Contains(lower, "basic") || strings.Contains(lower, "authorization") {
		s = authPattern.ReplaceAllStringFunc(s, func(m string) string {
			sub := authPattern.FindStringSubmatch(m)
			if sub[1] != "" {
				return sub[1] + redactedMarker
			}
			return sub[2] + redactedMarker
		})
	}
	if strings.Contains(s, "flx_") {
		s = prefixPattern.ReplaceAllString(s, "${1}"+redactedMarker)
	}
	return s
}

// redactor replaces known secret values. It is safe for concurrent use.
type redactor struct {
	mu       sync.RWMutex
	values   []string
	replacer *strings.Replacer
}

// add registers values to hide from now on.
func (r *redactor) add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, v := range values {
		if len(v) < minRedactedValue || slices.Contains(r.values, v) {
			continue
		}
		r.values = append(r.values, v)
		changed = true
	}
	if !changed {
		return
	}
	// Longest first, so that a value containing another is hidden whole.
	slices.SortFunc(r.values, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(r.values))
	for _, v := range r.values {
		pairs = append(pairs, v, redactedMarker)
	}
	r.replacer = strings.NewReplacer(pairs...)
}

func (r *redactor) redact(s string) string {
	if s == "" {
		return s
	}
	r.mu.RLock()
	rep := r.replacer
	r.mu.RUnlock()
	if rep != nil {
		s = rep.Replace(s)
	}
	return Redact(s)
}

// redactJSONFields replaces the values of sensitive fields, at any depth.
func redactJSONFields(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if isSensitiveField(k) {
				t[k] = redactedMarker
				continue
			}
			t[k] = redactJSONFields(val)
		}
	case []any:
		for i := range t {
			t[i] = redactJSONFields(t[i])
		}
	}
	return v
}

func isSensitiveField(name string) bool {
	return slices.ContainsFunc(sensitiveFields, func(f string) bool { return strings.EqualFold(f, name) })
}

// maxExcerpt bounds what an error shows of a body it cannot parse.
const maxExcerpt = 120

var (
	htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	htmlTag   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// excerpt is a short, single-line, redacted rendering of a body that is not
// one of the known error shapes. It is made one line first, so that no
// character dropped then can join the parts of a secret, and redacted whole
// before it is cut, so that a secret is never shown in part.
func (c *Client) excerpt(body []byte) string {
	text := strings.ToValidUTF8(string(body), "\uFFFD")
	var parsed any
	if json.Unmarshal(body, &parsed) == nil {
		if b, err := json.Marshal(redactJSONFields(parsed)); err == nil {
			text = string(b)
		}
	} else if m := htmlTitle.FindStringSubmatch(text); m != nil {
		text = m[1]
	} else if strings.Contains(text, "<") && strings.Contains(text, ">") {
		text = htmlTag.ReplaceAllString(text, " ")
	}
	return truncate(c.redact(singleLine(text)), maxExcerpt)
}

// singleLine collapses white space and drops control and format characters,
// so that a server cannot make an error span lines or move the cursor.
func singleLine(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// truncate cuts s to at most n runes, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return string(runes[:n]) + "…"
}

// clean makes a value from a response safe to show: redacted, on one line, bounded.
func (c *Client) clean(s string, n int) string {
	return truncate(c.redact(singleLine(s)), n)
}
