package main

import (
	"context"
	"errors"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// errOffline is what a connector built outside a running hub (to validate
// its config, check credentials or simulate) gets if it tries to use the
// hub.
var errOffline = errors.New("the hub is not running in this command")

// offlineHub stands in for the hub in commands that build connectors
// without serving: factories may require one, none may use it.
type offlineHub struct{}

var _ connectors.Hub = offlineHub{}

func (offlineHub) Accept(context.Context, []switchboard.Inbound) error { return errOffline }
func (offlineHub) Reply(context.Context, connectors.ReplyRequest) (switchboard.Message, error) {
	return switchboard.Message{}, errOffline
}
func (offlineHub) Conversation(context.Context, switchboard.WorkspaceID, switchboard.ConversationID) (switchboard.Conversation, error) {
	return switchboard.Conversation{}, errOffline
}
func (offlineHub) LinkThread(context.Context, switchboard.WorkspaceID, string, switchboard.ConversationID, string) error {
	return errOffline
}
func (offlineHub) ThreadOf(context.Context, string, switchboard.ConversationID) (string, error) {
	return "", errOffline
}
func (offlineHub) ConversationOfThread(context.Context, string, string) (switchboard.WorkspaceID, switchboard.ConversationID, error) {
	return "", "", errOffline
}
func (offlineHub) OperatorForAccount(context.Context, string, string) (switchboard.OperatorID, error) {
	return "", errOffline
}
func (offlineHub) FirstSeen(context.Context, string) (bool, error) { return false, errOffline }
func (offlineHub) ConsoleURL(switchboard.ConversationID) string    { return "" }
