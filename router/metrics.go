package router

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	inboundRouted = promauto.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_inbound_routed_total", Help: "Customer messages routed and announced.",
	})
	outboundSent = promauto.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_outbound_sent_total", Help: "Outgoing messages accepted by their provider.",
	})
	outboundRetried = promauto.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_outbound_retries_total", Help: "Retryable send failures.",
	})
	outboundPaced = promauto.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_outbound_paced_total", Help: "Sends that waited for their channel's rate limit.",
	})
	outboundFailed = promauto.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_outbound_failed_total", Help: "Outgoing messages that ended as failed.",
	})
)
