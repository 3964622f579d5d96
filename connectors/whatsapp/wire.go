package whatsapp

// The Cloud API's webhook body (field "messages" of a WhatsApp Business
// Account subscription), as far as the hub reads it.

// Notification is one webhook POST.
type Notification struct {
	Object string  `json:"object"`
	Entry  []Entry `json:"entry"`
}

// Entry is one business account's changes.
type Entry struct {
	ID      string   `json:"id"`
	Changes []Change `json:"changes"`
}

// Change is one change of a subscribed field.
type Change struct {
	Field string `json:"field"`
	Value Value  `json:"value"`
}

// Value is the payload of a "messages" change.
type Value struct {
	MessagingProduct string        `json:"messaging_product"`
	Metadata         Metadata      `json:"metadata"`
	Contacts         []Contact     `json:"contacts,omitempty"`
	Messages         []Message     `json:"messages,omitempty"`
	Statuses         []Status      `json:"statuses,omitempty"`
	Errors           []ErrorDetail `json:"errors,omitempty"`
}

// Metadata names the business phone number the change is for.
type Metadata struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	PhoneNumberID      string `json:"phone_number_id"`
}

// Contact is the customer who wrote: wa_id is their phone number (absent
// for some users with a username), user_id their business-scoped user id.
type Contact struct {
	Profile struct {
		Name     string `json:"name,omitempty"`
		Username string `json:"username,omitempty"`
	} `json:"profile"`
	WaID   string `json:"wa_id,omitempty"`
	UserID string `json:"user_id,omitempty"`
}

// Message is a customer's message.
type Message struct {
	From       string `json:"from,omitempty"`
	FromUserID string `json:"from_user_id,omitempty"`
	ID         string `json:"id"`
	Timestamp  string `json:"timestamp"`
	Type       string `json:"type"`
	Context    *struct {
		From string `json:"from,omitempty"`
		ID   string `json:"id,omitempty"`
	} `json:"context,omitempty"`
	Text        *TextBody       `json:"text,omitempty"`
	Image       *Media          `json:"image,omitempty"`
	Audio       *Media          `json:"audio,omitempty"`
	Video       *Media          `json:"video,omitempty"`
	Document    *Media          `json:"document,omitempty"`
	Sticker     *Media          `json:"sticker,omitempty"`
	Location    *Location       `json:"location,omitempty"`
	Contacts    []SharedContact `json:"contacts,omitempty"`
	Interactive *Interactive    `json:"interactive,omitempty"`
	Button      *struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button,omitempty"`
	Reaction *struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
	} `json:"reaction,omitempty"`
	Errors []ErrorDetail `json:"errors,omitempty"`
}

// TextBody is a text message's content.
type TextBody struct {
	Body string `json:"body"`
}

// Media is an image, audio, video, document or sticker: its media id (to
// fetch it) and what the customer sent with it.
type Media struct {
	ID       string `json:"id"`
	MimeType string `json:"mime_type,omitempty"`
	SHA256   string `json:"sha256,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
	Voice    bool   `json:"voice,omitempty"`
	Animated bool   `json:"animated,omitempty"`
}

// Location is a shared place.
type Location struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
	URL       string  `json:"url,omitempty"`
}

// SharedContact is a contact card the customer shared.
type SharedContact struct {
	Name struct {
		FormattedName string `json:"formatted_name"`
		FirstName     string `json:"first_name,omitempty"`
		LastName      string `json:"last_name,omitempty"`
	} `json:"name"`
	Phones []struct {
		Phone string `json:"phone"`
		Type  string `json:"type,omitempty"`
		WaID  string `json:"wa_id,omitempty"`
	} `json:"phones,omitempty"`
	Emails []struct {
		Email string `json:"email"`
		Type  string `json:"type,omitempty"`
	} `json:"emails,omitempty"`
	Org *struct {
		Company string `json:"company,omitempty"`
	} `json:"org,omitempty"`
}

// Interactive is a reply to reply buttons or a list.
type Interactive struct {
	Type        string       `json:"type"`
	ButtonReply *ReplyChoice `json:"button_reply,omitempty"`
	ListReply   *ReplyChoice `json:"list_reply,omitempty"`
}

// ReplyChoice is the button or row the customer picked.
type ReplyChoice struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// Status is a receipt for a message the business sent.
type Status struct {
	ID              string        `json:"id"`
	Status          string        `json:"status"`
	Timestamp       string        `json:"timestamp"`
	RecipientID     string        `json:"recipient_id,omitempty"`
	RecipientUserID string        `json:"recipient_user_id,omitempty"`
	Errors          []ErrorDetail `json:"errors,omitempty"`
}

// ErrorDetail is an error in a webhook (a failed status, an unsupported
// message, a problem with the app).
type ErrorDetail struct {
	Code      int    `json:"code"`
	Title     string `json:"title"`
	Message   string `json:"message,omitempty"`
	ErrorData *struct {
		Details string `json:"details"`
	} `json:"error_data,omitempty"`
}
