package connectors

import (
	"reflect"
	"slices"
	"strings"
)

// ConfigField describes one config key of a channel type, for the console's
// "add channel" form. It is derived from the connector's own config struct:
// the json tag names the key; the tags label, help and required (`required:"true"`)
// say the rest; Secret comes from Registration.Secrets; Kind from the Go type.
type ConfigField struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Help     string `json:"help,omitempty"`
	Secret   bool   `json:"secret"`
	Required bool   `json:"required"`
	// Kind is string, number, bool, list (of strings), duration ("10s") or
	// object.
	Kind string `json:"kind"`
}

var durationType = reflect.TypeOf(Duration(0))

// DescribeConfig lists the config fields of a registration, in the order
// of its Config struct; nil when the registration has no Config.
func DescribeConfig(r Registration) []ConfigField {
	if r.Config == nil {
		return nil
	}
	t := reflect.TypeOf(r.Config)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []ConfigField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if key == "" || key == "-" || slices.Contains(r.Hidden, key) {
			continue
		}
		cf := ConfigField{Key: key, Label: f.Tag.Get("label"), Help: f.Tag.Get("help"),
			Secret: slices.Contains(r.Secrets, key), Required: f.Tag.Get("required") == "true" || slices.Contains(r.Required, key), Kind: kindOf(f.Type)}
		if cf.Label == "" {
			cf.Label = strings.ReplaceAll(key, "_", " ")
		}
		out = append(out, cf)
	}
	return out
}

func kindOf(t reflect.Type) string {
	if t == durationType {
		return "duration"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.String {
			return "list"
		}
	}
	return "object"
}
