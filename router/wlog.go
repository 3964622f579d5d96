package router

import (
	"context"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
)

// watermillLog adapts log for Watermill, which logs its info as debug here.
// Watermill's slog adapter builds the attributes of every message before
// slog checks the level; Watermill traces each message it moves, so the
// adapter is wrapped to skip what the level drops (it was 2% of the hub's
// CPU under load).
func watermillLog(log *slog.Logger) watermill.LoggerAdapter {
	return gatedLog{
		LoggerAdapter: watermill.NewSlogLoggerWithLevelMapping(log, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug}),
		log:           log,
	}
}

type gatedLog struct {
	watermill.LoggerAdapter
	log *slog.Logger
}

func (g gatedLog) Info(msg string, fields watermill.LogFields) {
	if g.log.Enabled(context.Background(), slog.LevelDebug) {
		g.LoggerAdapter.Info(msg, fields)
	}
}

func (g gatedLog) Debug(msg string, fields watermill.LogFields) {
	if g.log.Enabled(context.Background(), slog.LevelDebug) {
		g.LoggerAdapter.Debug(msg, fields)
	}
}

func (g gatedLog) Trace(msg string, fields watermill.LogFields) {
	if g.log.Enabled(context.Background(), watermill.LevelTrace) {
		g.LoggerAdapter.Trace(msg, fields)
	}
}

func (g gatedLog) With(fields watermill.LogFields) watermill.LoggerAdapter {
	return gatedLog{LoggerAdapter: g.LoggerAdapter.With(fields), log: g.log}
}
