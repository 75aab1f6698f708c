package provider

import "strings"

// codeList writes values as Markdown code spans for a sentence, joined by
// conj before the last one: "`a`, `b` and `c`". Descriptions use it to name
// the values of a rule from internal/rules, so that they change with the rule.
func codeList(conj string, values ...string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	return plainList(conj, quoted...)
}

// plainList joins values for a sentence: "a, b and c", or "a or b".
func plainList(conj string, values ...string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " " + conj + " " + values[len(values)-1]
}
