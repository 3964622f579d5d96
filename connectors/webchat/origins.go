package webchat

// AllowedOrigins returns the sites allowed to embed the widget (empty:
// any); the customer portal uses them as its frame-ancestors.
func (c *Connector) AllowedOrigins() []string {
	return append([]string(nil), c.cfg.AllowedOrigins...)
}
