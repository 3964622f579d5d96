package router

import (
	"errors"

	"github.com/ThreeDotsLabs/watermill"
)

// newNATSBus builds the NATS JetStream backend.
func newNATSBus(cfg BusConfig, log watermill.LoggerAdapter) (*bus, error) {
	return nil, errors.New("pubsub.driver: nats is not available in this build yet")
}
