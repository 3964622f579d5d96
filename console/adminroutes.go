package console

// adminRoutes mounts the console's admin-side resources: saved replies,
// uploads, operators, API tokens, settings and channel types.
func (s *Server) adminRoutes(mux *routeMux) {
	mux.HandleFunc("GET /api/v1/templates", s.authed(s.listTemplates))
	mux.HandleFunc("POST /api/v1/templates", s.authed(s.createTemplate))
	mux.HandleFunc("GET /api/v1/templates/{id}", s.authed(s.getTemplate))
	mux.HandleFunc("PATCH /api/v1/templates/{id}", s.authed(s.patchTemplate))
	mux.HandleFunc("DELETE /api/v1/templates/{id}", s.authed(s.deleteTemplate))
	mux.HandleFunc("POST /api/v1/media", s.authed(s.uploadMedia))
	mux.HandleFunc("GET /media/{id}", s.publicMedia)
	mux.HandleFunc("GET /api/v1/operators", s.authed(s.listOperators))
	mux.HandleFunc("POST /api/v1/operators", s.authed(s.createOperator))
	mux.HandleFunc("PATCH /api/v1/operators/{id}", s.authed(s.patchOperator))
	mux.HandleFunc("GET /api/v1/tokens", s.authed(s.listTokens))
	mux.HandleFunc("POST /api/v1/tokens", s.authed(s.createToken))
	mux.HandleFunc("DELETE /api/v1/tokens/{id}", s.authed(s.revokeToken))
	mux.HandleFunc("GET /api/v1/me/settings", s.authed(s.getSettings))
	mux.HandleFunc("PUT /api/v1/me/settings", s.authed(s.putSettings))
	mux.HandleFunc("GET /api/v1/channel-types", s.authed(s.listChannelTypes))
}
