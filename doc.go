// Package switchboard holds the unified inbox model shared by every part of
// the hub: contacts, conversations, messages and their parts, departments,
// operators and events. It is pure data plus small pure helpers and imports
// nothing but the standard library; connectors, the store, the router and the
// console all speak these types.
package switchboard
