package router

import (
	"context"
	"strconv"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"
)

// laneKey is the metadata key of an outbound message's lane (outboundLane).
const laneKey = "lane"

// laneTopic is the embedded bus's topic of one lane of topic.
func laneTopic(topic string, lane int) string { return topic + "#" + strconv.Itoa(lane) }

// The embedded bus (GoChannel, publishing until acknowledged) hands a topic
// one message at a time. The outbound topic is spread over outboundLanes
// topics, one per lane, so replies in different conversations are sent side
// by side while each conversation's, in one lane, stay in order. NATS has
// partitions of its own.

// lanedPublisher publishes outbound messages to their lane's topic.
type lanedPublisher struct{ message.Publisher }

func (p lanedPublisher) Publish(topic string, msgs ...*message.Message) error {
	if topic != TopicOutbound {
		return p.Publisher.Publish(topic, msgs...)
	}
	for _, m := range msgs {
		lane, _ := strconv.Atoi(m.Metadata.Get(laneKey))
		if err := p.Publisher.Publish(laneTopic(topic, lane%outboundLanes), m); err != nil {
			return err
		}
	}
	return nil
}

// lanedSubscriber reads every lane of the outbound topic into one channel.
type lanedSubscriber struct{ message.Subscriber }

func (s lanedSubscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	if topic != TopicOutbound {
		return s.Subscriber.Subscribe(ctx, topic)
	}
	out := make(chan *message.Message)
	var wg sync.WaitGroup
	for lane := range outboundLanes {
		in, err := s.Subscriber.Subscribe(ctx, laneTopic(topic, lane))
		if err != nil {
			return nil, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range in {
				out <- m
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out, nil
}
