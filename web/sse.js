// Server-sent events over fetch(): EventSource can neither POST nor send an
// Authorization header, so the page reads the response body itself and
// parses it here, following the event-stream rules of the HTML standard
// (lines end in LF, CRLF or CR; "event:" names the event, "data:" lines are
// joined with LF; lines starting with ":" are comments; an empty line
// dispatches; an unfinished event at the end of the stream is dropped).
//
// The parser holds at most `maxBytes` characters of an unfinished event, so
// a broken or hostile server cannot make the page buffer without end.

export class SSEParser {
  /*
   * onEvent({event, data}) is called once per complete event, in order.
   * maxBytes caps the unfinished event (line being read plus its data); a
   * larger one makes push() throw.
   */
  constructor(onEvent, maxBytes = 48 * 1024 * 1024) {
    this.onEvent = onEvent;
    this.maxBytes = maxBytes;
    this.buf = '';
    this.event = '';
    this.data = [];
    this.dataLen = 0;
  }

  // Feed decoded text (any split: mid-line, mid-CRLF, several events).
  push(text) {
    // Line ends are searched only in the new text (and a CR left waiting at
    // the end), so a long line arriving in many chunks costs linear time.
    const from = Math.max(0, this.buf.length - 1);
    this.buf += text;
    const buf = this.buf;
    let start = 0;
    let cr = buf.indexOf('\r', from);
    let lf = buf.indexOf('\n', from);
    while (cr >= 0 || lf >= 0) {
      let end;
      let next;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        // A CR at the very end may be the first half of a CRLF: wait.
        if (cr === buf.length - 1)
          break;
        end = cr;
        next = buf[cr + 1] === '\n' ? cr + 2 : cr + 1;
      } else {
        end = lf;
        next = lf + 1;
      }
      this.line(buf.slice(start, end));
      start = next;
      if (cr >= 0 && cr < start)
        cr = buf.indexOf('\r', start);
      if (lf >= 0 && lf < start)
        lf = buf.indexOf('\n', start);
    }
    this.buf = buf.slice(start);
    if (this.buf.length + this.dataLen > this.maxBytes)
      throw new Error(`event stream: an event is larger than ${this.maxBytes} bytes`);
  }

  // The stream ended: a final CR ends its line; an unfinished event is dropped.
  end() {
    if (this.buf.endsWith('\r'))
      this.line(this.buf.slice(0, -1));
    this.buf = '';
    this.event = '';
    this.data = [];
    this.dataLen = 0;
  }

  line(l) {
    if (l === '') {
      if (this.data.length > 0)
        this.onEvent({ event: this.event || 'message', data: this.data.join('\n') });
      this.event = '';
      this.data = [];
      this.dataLen = 0;
      return;
    }
    if (l[0] === ':')
      return;
    const colon = l.indexOf(':');
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? '' : l.slice(colon + 1);
    if (value[0] === ' ')
      value = value.slice(1);
    if (field === 'event') {
      this.event = value;
    } else if (field === 'data') {
      this.data.push(value);
      this.dataLen += value.length + 1;
      if (this.dataLen > this.maxBytes)
        throw new Error(`event stream: an event is larger than ${this.maxBytes} bytes`);
    }
    // "id" and "retry" mean nothing to a one-shot request; other fields are ignored.
  }
}

/*
 * Read an event-stream response body to its end, calling onEvent for each
 * event. Resolves when the stream ends; rejects on a network error, an
 * abort (through the fetch's signal) or an oversized event.
 */
export async function readEventStream(response, onEvent, maxBytes) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parser = new SSEParser(onEvent, maxBytes);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done)
        break;
      parser.push(decoder.decode(value, { stream: true }));
    }
    parser.push(decoder.decode());
    parser.end();
  } finally {
    reader.releaseLock();
  }
}
