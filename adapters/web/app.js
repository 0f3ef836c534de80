// Web chat client: posts messages and button presses to /api/chat and renders the engine's replies
// (paragraphs of spans, menus as buttons, quick links). Every piece of text goes through textContent,
// never innerHTML, so HTML in replies or in what the user types is shown, not run.
// The transcript is kept in localStorage per conversation id and shown again after a reload, but only when
// /api/chat/state says the engine still remembers that conversation at the same menu; otherwise the page
// starts afresh, so it never shows a history the engine has forgotten.

(() => {
  const STORAGE_KEY = 'trolydvc.conversationId';
  const TRANSCRIPT_PREFIX = 'trolydvc.transcript.';
  /** Most exchanges kept for a reload; older ones are dropped first. */
  const TRANSCRIPT_MAX_ENTRIES = 80;
  const log = document.getElementById('log');
  const form = document.getElementById('composer');
  const input = document.getElementById('input');
  const sendButton = document.getElementById('send');
  const newChatButton = document.getElementById('new-chat');

  const SUGGESTIONS = ['Đăng ký khai sinh cho con', 'Đổi giấy phép lái xe', 'Tra cứu tình trạng hồ sơ'];
  /** How long the page waits for an answer before saying the server cannot be reached. */
  const REQUEST_TIMEOUT_MS = 20_000;

  const MESSAGES = {
    welcome: [
      [{ kind: 'bold', text: 'Xin chào! Mình là Trợ lý Dịch vụ công.' }],
      [
        {
          kind: 'text',
          text: 'Bạn cứ hỏi tự nhiên về thủ tục hành chính cần làm, mình sẽ chỉ giấy tờ, các bước, lệ phí và nơi nộp. Bạn cũng có thể gửi mã hồ sơ để xem tình trạng.',
        },
      ],
    ],
    offline: 'Mình chưa kết nối được với máy chủ. Bạn kiểm tra mạng rồi gửi lại nhé.',
    tooFast: (seconds) => `Bạn gửi hơi nhanh. Bạn đợi khoảng ${seconds} giây rồi gửi tiếp nhé.`,
    tooLarge: 'Tin nhắn quá dài. Bạn rút gọn còn dưới 1.000 ký tự rồi gửi lại nhé.',
    failed: 'Xin lỗi, mình đang gặp sự cố. Bạn thử lại sau ít phút nhé.',
    typing: 'Mình đang trả lời…',
    restarted: 'Cuộc trò chuyện trước đã kết thúc nên mình bắt đầu lại. Bạn cần làm thủ tục gì?',
  };

  let conversationId = loadConversationId();
  let busy = false;

  // ---- conversation id (kept across visits; a new chat gets a new one) ----

  function randomId() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function loadConversationId() {
    try {
      const stored = window.localStorage.getItem(STORAGE_KEY);
      if (stored && /^[A-Za-z0-9_-]{1,100}$/.test(stored)) return stored;
    } catch {
      // Storage may be disabled (private mode): the id then lives for this page only.
    }
    return saveConversationId(randomId());
  }

  function saveConversationId(id) {
    try {
      window.localStorage.setItem(STORAGE_KEY, id);
    } catch {
      // See loadConversationId.
    }
    return id;
  }

  // ---- transcript (what the engine saw and answered; restored after a reload) ----

  function transcriptKey(id) {
    return `${TRANSCRIPT_PREFIX}${id}`;
  }

  function loadTranscript(id) {
    try {
      const parsed = JSON.parse(window.localStorage.getItem(transcriptKey(id)) ?? 'null');
      if (parsed && parsed.v === 1 && Array.isArray(parsed.entries)) return parsed;
    } catch {
      // Unreadable or unavailable storage: nothing to restore.
    }
    return { v: 1, entries: [], lastMenuId: null };
  }

  let transcript = loadTranscript(conversationId);

  function saveTranscript() {
    transcript.entries = transcript.entries.slice(-TRANSCRIPT_MAX_ENTRIES);
    try {
      window.localStorage.setItem(transcriptKey(conversationId), JSON.stringify(transcript));
    } catch {
      // Full or disabled storage: the conversation goes on, only a reload will not show it.
    }
  }

  function forgetTranscript(id) {
    try {
      window.localStorage.removeItem(transcriptKey(id));
    } catch {
      // See loadTranscript.
    }
  }

  /** One exchange the engine answered: the message as shown, then its replies. */
  function recordExchange(shownAs, replies) {
    transcript.entries.push({ kind: 'user', text: shownAs });
    for (const reply of replies) {
      transcript.entries.push({ kind: 'bot', reply });
      if (reply?.menu?.id) transcript.lastMenuId = String(reply.menu.id);
    }
    saveTranscript();
  }

  // ---- rendering (textContent only) ----

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Only web links leave the page: anything else (javascript:, data:) is shown as plain text. */
  function safeUrl(url) {
    try {
      const parsed = new URL(String(url), window.location.href);
      return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
    } catch {
      return null;
    }
  }

  function externalLink(label, url, className) {
    const a = el('a', className, label);
    a.href = url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    return a;
  }

  function renderSpan(span) {
    const value = typeof span?.text === 'string' ? span.text : '';
    if (span?.kind === 'bold') return el('strong', '', value);
    if (span?.kind === 'link') {
      const url = safeUrl(span.url);
      if (url) return externalLink(value || url, url);
    }
    return document.createTextNode(value);
  }

  function renderParagraphs(container, paragraphs) {
    for (const paragraph of Array.isArray(paragraphs) ? paragraphs : []) {
      const p = el('p');
      for (const span of Array.isArray(paragraph) ? paragraph : []) p.append(renderSpan(span));
      container.append(p);
    }
  }

  function renderMenu(menu) {
    const box = el('div', 'menu');
    box.setAttribute('role', 'group');
    if (menu.prompt) {
      const prompt = el('p', 'menu__prompt', menu.prompt);
      prompt.id = `menu-${Math.random().toString(36).slice(2)}`;
      box.setAttribute('aria-labelledby', prompt.id);
      box.append(prompt);
    }
    const options = el('div', 'menu__options');
    for (const option of Array.isArray(menu.options) ? menu.options : []) {
      const button = el('button', 'option', option.label);
      button.type = 'button';
      button.setAttribute('aria-pressed', 'false');
      button.addEventListener('click', () => {
        if (busy) return;
        button.setAttribute('aria-pressed', 'true');
        send({ choice: { menuId: String(menu.id), optionId: String(option.id) } }, option.label);
      });
      options.append(button);
    }
    box.append(options);
    return box;
  }

  function renderLinks(links) {
    const box = el('div', 'links');
    for (const link of links) {
      const url = safeUrl(link.url);
      if (url) box.append(externalLink(link.label, url, 'link-button'));
    }
    return box;
  }

  function addMessage(kind, fill) {
    const row = el('div', `msg msg--${kind}`);
    const bubble = el('div', 'bubble');
    fill(bubble);
    row.append(bubble);
    log.append(row);
    return row;
  }

  function addBotReply(reply) {
    return addMessage('bot', (bubble) => {
      renderParagraphs(bubble, reply?.paragraphs);
      if (reply?.menu && Array.isArray(reply.menu.options) && reply.menu.options.length > 0) {
        bubble.append(renderMenu(reply.menu));
      }
      if (Array.isArray(reply?.links) && reply.links.length > 0) bubble.append(renderLinks(reply.links));
    });
  }

  function addUserMessage(text) {
    return addMessage('user', (bubble) => bubble.append(el('p', '', text)));
  }

  function addError(text) {
    const row = addMessage('error', (bubble) => bubble.append(el('p', '', text)));
    row.classList.add('msg--bot');
    return row;
  }

  function addTyping() {
    return addMessage('bot typing', (bubble) => {
      for (let i = 0; i < 3; i++) bubble.append(el('span', 'typing__dot'));
      bubble.append(el('span', 'visually-hidden', MESSAGES.typing));
    });
  }

  function addWelcome() {
    const row = addBotReply({ paragraphs: MESSAGES.welcome });
    const box = el('div', 'suggestions');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', 'Gợi ý câu hỏi');
    for (const suggestion of SUGGESTIONS) {
      const button = el('button', 'suggestion', suggestion);
      button.type = 'button';
      button.addEventListener('click', () => {
        if (!busy) send({ text: suggestion }, suggestion);
      });
      box.append(button);
    }
    row.querySelector('.bubble').append(box);
  }

  const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

  function scrollToShow(node, block = 'start') {
    node.scrollIntoView({ block, behavior: reducedMotion.matches ? 'auto' : 'smooth' });
  }

  // ---- talking to the server ----

  function setBusy(value) {
    busy = value;
    log.setAttribute('aria-busy', String(value));
    sendButton.disabled = value;
    for (const button of log.querySelectorAll('.option, .suggestion')) button.disabled = value;
  }

  async function send(payload, shownAs) {
    if (busy) return false;
    setBusy(true);
    addUserMessage(shownAs);
    // The typing indicator sits below the question: bring it (and so the question) into view.
    const typing = addTyping();
    scrollToShow(typing, 'end');
    let ok = false;
    try {
      const response = await fetch('/api/chat', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ conversationId, ...payload }),
        // A server that stopped answering must not leave the citizen waiting forever.
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const body = await response.json().catch(() => null);
      typing.remove();
      if (response.ok && body && Array.isArray(body.replies)) {
        recordExchange(shownAs, body.replies);
        let first = null;
        for (const reply of body.replies) {
          const row = addBotReply(reply);
          first ??= row;
        }
        if (first) scrollToShow(first);
        ok = true;
      } else if (response.status === 429) {
        const seconds = Number(response.headers.get('Retry-After')) || 30;
        scrollToShow(addError(MESSAGES.tooFast(seconds)));
      } else if (response.status === 413) {
        scrollToShow(addError(MESSAGES.tooLarge));
      } else {
        const message = body?.error?.message;
        scrollToShow(addError(typeof message === 'string' && message ? message : MESSAGES.failed));
      }
    } catch {
      typing.remove();
      scrollToShow(addError(MESSAGES.offline));
    } finally {
      setBusy(false);
    }
    return ok;
  }

  // ---- composer ----

  function autoGrow() {
    if (input.value === '') {
      input.style.height = '';
      return;
    }
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight + 2, 160)}px`;
  }

  async function submitTyped() {
    const text = input.value.trim();
    if (!text || busy) return;
    input.value = '';
    autoGrow();
    const ok = await send({ text }, text);
    // Give the text back when it could not be delivered, so nothing typed is lost.
    if (!ok && input.value === '') {
      input.value = text;
      autoGrow();
    }
    input.focus();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitTyped();
  });

  input.addEventListener('keydown', (event) => {
    // Vietnamese input methods (Telex/VNI) compose with Enter too: never send mid-composition.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submitTyped();
  });

  input.addEventListener('input', autoGrow);

  function startNewConversation() {
    forgetTranscript(conversationId);
    conversationId = saveConversationId(randomId());
    transcript = { v: 1, entries: [], lastMenuId: null };
  }

  newChatButton.addEventListener('click', () => {
    if (busy) return;
    startNewConversation();
    log.replaceChildren();
    addWelcome();
    input.value = '';
    autoGrow();
    input.focus();
  });

  /** What the engine still remembers of this conversation, or null when the server cannot be asked. */
  async function conversationState() {
    try {
      const response = await fetch(`/api/chat/state?conversationId=${encodeURIComponent(conversationId)}`, {
        headers: { Accept: 'application/json' },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      return response.ok ? await response.json() : null;
    } catch {
      return null;
    }
  }

  /**
   * Shows the kept transcript again when the engine remembers the conversation at the same menu. When the
   * session expired, the server was reset, or another tab moved the conversation on, the page starts afresh
   * (with a new conversation id in the last case) instead of showing a history the engine does not match.
   */
  async function restoreTranscript() {
    if (transcript.entries.length === 0) return;
    setBusy(true);
    try {
      const state = await conversationState();
      if (state === null) return; // Cannot check now: keep it for the next visit, show nothing stale.
      const sameMenu = (state.menuId ?? null) === (transcript.lastMenuId ?? null);
      if (state.active === true && sameMenu) {
        let last = null;
        for (const entry of transcript.entries) {
          if (entry?.kind === 'user') last = addUserMessage(String(entry.text ?? ''));
          else if (entry?.kind === 'bot') last = addBotReply(entry.reply);
        }
        if (last) scrollToShow(last, 'end');
        return;
      }
      if (state.active === true) startNewConversation();
      else {
        forgetTranscript(conversationId);
        transcript = { v: 1, entries: [], lastMenuId: null };
      }
      addBotReply({ paragraphs: [[{ kind: 'text', text: MESSAGES.restarted }]] });
    } finally {
      setBusy(false);
    }
  }

  addWelcome();
  restoreTranscript();
  // Focus the input on desktop; on phones that would pop the keyboard over the welcome message.
  if (window.matchMedia('(pointer: fine)').matches) input.focus();
})();
