package console

// routingRoutes mounts departments, routing rules, transfers, claims and
// the queues (issue 14).
func (s *Server) routingRoutes(mux *routeMux) {
	mux.HandleFunc("POST /api/v1/departments", s.authed(s.createDepartment))
	mux.HandleFunc("GET /api/v1/departments/{id}", s.authed(s.getDepartment))
	mux.HandleFunc("PATCH /api/v1/departments/{id}", s.authed(s.patchDepartment))
	mux.HandleFunc("DELETE /api/v1/departments/{id}", s.authed(s.deleteDepartment))
	mux.HandleFunc("GET /api/v1/routing-rules", s.authed(s.listRoutingRules))
	mux.HandleFunc("POST /api/v1/routing-rules", s.authed(s.createRoutingRule))
	mux.HandleFunc("PUT /api/v1/routing-rules/order", s.authed(s.orderRoutingRules))
	mux.HandleFunc("POST /api/v1/routing-rules/test", s.authed(s.testRoutingRules))
	mux.HandleFunc("GET /api/v1/routing-rules/{id}", s.authed(s.getRoutingRule))
	mux.HandleFunc("PATCH /api/v1/routing-rules/{id}", s.authed(s.patchRoutingRule))
	mux.HandleFunc("DELETE /api/v1/routing-rules/{id}", s.authed(s.deleteRoutingRule))
	mux.HandleFunc("POST /api/v1/conversations/{id}/transfer", s.authed(s.transferConversation))
	mux.HandleFunc("POST /api/v1/conversations/{id}/claim", s.authed(s.claimConversation))
	mux.HandleFunc("GET /api/v1/queues", s.authed(s.listQueues))
}
