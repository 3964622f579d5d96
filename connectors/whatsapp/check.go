package whatsapp

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/meta"
)

// checkTimeout bounds CheckCredentials.
const checkTimeout = 10 * time.Second

// PhoneNumber is what GET /{phone_number_id} says about the business
// number.
type PhoneNumber struct {
	ID                 string `json:"id"`
	DisplayPhoneNumber string `json:"display_phone_number"`
	VerifiedName       string `json:"verified_name"`
}

// CheckCredentials asks Graph for the business phone number (GET
// /{phone_number_id}?fields=display_phone_number,verified_name) with the
// access token. It is called by `switchboard channels check` and when a
// channel is added through the API, never on the message path. A refused
// token wraps connectors.ErrCredentials; an unknown phone number id is
// permanent. The app secret cannot be checked against Meta: a wrong one
// shows as 401s on webhooks.
func (c *Connector) CheckCredentials(ctx context.Context) error {
	_, err := c.phoneNumber(ctx)
	return err
}

func (c *Connector) phoneNumber(ctx context.Context) (PhoneNumber, error) {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	var pn PhoneNumber
	err := c.graph.Get(ctx, "/"+c.cfg.PhoneNumberID, url.Values{"fields": {"display_phone_number,verified_name"}}, &pn)
	if err != nil {
		err = meta.Classify("WhatsApp phone number", err)
		if errors.Is(err, connectors.ErrCredentials) {
			return pn, connectors.Permanent("WhatsApp refused the access token", err)
		}
		return pn, err
	}
	return pn, nil
}
