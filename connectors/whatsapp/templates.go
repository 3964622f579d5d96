package whatsapp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/meta"
)

// headerVariable prefixes the Variables that fill a template's text
// header ("header.1").
const headerVariable = "header."

// templateMessage sends an approved template: Template.Raw, when set, is
// the Cloud API's whole "template" object; otherwise Name and Language
// with Variables as the body's parameters, positional ("1", "2", ...)
// or named, and those named "header.<n>" as the text header's.
func templateMessage(i int, p switchboard.Part) (outgoing, error) {
	t := p.Template
	if t == nil {
		return nil, connectors.Permanent(fmt.Sprintf("part %d: template part without template", i), nil)
	}
	if len(t.Raw) > 0 {
		if !rawObject(t.Raw) {
			return nil, connectors.Permanent(fmt.Sprintf("part %d: Template.Raw is not a JSON object", i), nil)
		}
		return outgoing{"type": "template", "template": json.RawMessage(t.Raw)}, nil
	}
	if strings.TrimSpace(t.Name) == "" || strings.TrimSpace(t.Language) == "" {
		return nil, connectors.Permanent(fmt.Sprintf("part %d: a WhatsApp template needs its name and language", i), nil)
	}
	obj := map[string]any{"name": t.Name, "language": map[string]string{"code": t.Language}}
	header, body := map[string]string{}, map[string]string{}
	for k, v := range t.Variables {
		if name, ok := strings.CutPrefix(k, headerVariable); ok {
			header[name] = v
		} else {
			body[k] = v
		}
	}
	var comps []map[string]any
	if params := bodyParameters(header); len(params) > 0 {
		comps = append(comps, map[string]any{"type": "header", "parameters": params})
	}
	if params := bodyParameters(body); len(params) > 0 {
		comps = append(comps, map[string]any{"type": "body", "parameters": params})
	}
	if len(comps) > 0 {
		obj["components"] = comps
	}
	return outgoing{"type": "template", "template": obj}, nil
}

// bodyParameters orders variables: positional ones ("1", "2", ...) by
// number, then named ones by name (sent with parameter_name).
func bodyParameters(vars map[string]string) []map[string]string {
	type kv struct {
		n    int
		name string
	}
	keys := make([]kv, 0, len(vars))
	for k := range vars {
		n, err := strconv.Atoi(k)
		if err != nil || n < 1 {
			n = 0
		}
		keys = append(keys, kv{n, k})
	}
	sort.Slice(keys, func(a, b int) bool {
		ka, kb := keys[a], keys[b]
		if (ka.n == 0) != (kb.n == 0) {
			return ka.n != 0
		}
		if ka.n != kb.n {
			return ka.n < kb.n
		}
		return ka.name < kb.name
	})
	out := make([]map[string]string, 0, len(keys))
	for _, k := range keys {
		p := map[string]string{"type": "text", "text": vars[k.name]}
		if k.n == 0 {
			p["parameter_name"] = k.name
		}
		out = append(out, p)
	}
	return out
}

// templatesPage is one page of GET /{waba}/message_templates.
type templatesPage struct {
	Data   []graphTemplate `json:"data"`
	Paging struct {
		Cursors struct {
			After string `json:"after"`
		} `json:"cursors"`
		Next string `json:"next"`
	} `json:"paging"`
}

type graphTemplate struct {
	Name       string `json:"name"`
	Language   string `json:"language"`
	Status     string `json:"status"`
	Category   string `json:"category"`
	Components []struct {
		Type    string `json:"type"`
		Format  string `json:"format,omitempty"`
		Text    string `json:"text,omitempty"`
		Buttons []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"buttons,omitempty"`
	} `json:"components"`
}

// maxTemplatePages bounds a template sync (100 templates a page).
const maxTemplatePages = 50

// ListTemplates lists the business account's message templates (GET
// /{business_account_id}/message_templates, following the after cursor
// while paging.next is set). It is called by the hub when the channel
// starts, hourly and on an admin's sync; it must not touch the store.
// Without business_account_id it fails with a reason naming the key.
func (c *Connector) ListTemplates(ctx context.Context) ([]switchboard.ProviderTemplate, error) {
	if c.cfg.BusinessAccountID == "" {
		return nil, connectors.Permanent("config: business_account_id is needed to list WhatsApp templates", nil)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Duration(c.cfg.SendTimeout))
	defer cancel()
	var out []switchboard.ProviderTemplate
	q := url.Values{"fields": {"name,language,status,category,components"}, "limit": {"100"}}
	for page := 0; page < maxTemplatePages; page++ {
		var p templatesPage
		if err := c.graph.Get(ctx, "/"+c.cfg.BusinessAccountID+"/message_templates", q, &p); err != nil {
			return nil, meta.Classify("WhatsApp templates", err)
		}
		for _, t := range p.Data {
			out = append(out, c.providerTemplate(t))
		}
		if p.Paging.Next == "" || p.Paging.Cursors.After == "" || p.Paging.Cursors.After == q.Get("after") {
			return out, nil
		}
		q.Set("after", p.Paging.Cursors.After)
	}
	return nil, connectors.Retryable(fmt.Sprintf("WhatsApp templates: more than %d pages", maxTemplatePages), 0, nil)
}

func (c *Connector) providerTemplate(t graphTemplate) switchboard.ProviderTemplate {
	pt := switchboard.ProviderTemplate{ChannelID: c.deps.ChannelID, Name: t.Name, Language: t.Language,
		Status: strings.ToUpper(t.Status), Category: strings.ToUpper(t.Category)}
	for _, comp := range t.Components {
		switch strings.ToUpper(comp.Type) {
		case "HEADER":
			if comp.Text != "" {
				pt.Header = comp.Text
				pt.HeaderParams = placeholders(comp.Text)
			} else if comp.Format != "" {
				pt.Header = "[" + strings.ToLower(comp.Format) + "]"
			}
		case "BODY":
			pt.Body = comp.Text
			pt.Params = placeholders(comp.Text)
		case "FOOTER":
			pt.Footer = comp.Text
		case "BUTTONS":
			for _, b := range comp.Buttons {
				pt.Buttons = append(pt.Buttons, b.Text)
			}
		}
	}
	return pt
}

var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_]+)\s*\}\}`)

// placeholders lists a template text's parameters ({{1}}, {{name}}) in
// order of first appearance.
func placeholders(text string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}
