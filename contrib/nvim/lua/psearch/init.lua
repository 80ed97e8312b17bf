-- The psearch plugin's commands: search the psearchd daemon into the
-- quickfix list, list a query's entities in a scratch buffer, and jump to a
-- result. The socket and its JSON Lines live in psearch.client; this file
-- turns answers into editor state and every failure into one line of
-- message. Nothing here waits for the daemon: each command sends its
-- request and returns, and the answer is dealt with when it comes.

local client = require('psearch.client')

local M = {}

-- Each search gets a number; an answer is used only if no newer search was
-- started since, so a slow answer never overwrites a newer one.
local generation = 0

-- The id of the last quickfix list psearch made, for :PsearchOpen N.
local last_qf_id = nil

-- Entity lines of each entities buffer, by buffer and line number, so that
-- <CR> there knows which entity the cursor is on.
local entity_lines = {}

local ENTITIES_BUF = 'psearch://entities'

-- The order in which entity types are listed; other types follow, sorted.
local TYPE_ORDER = { 'person', 'place', 'org', 'treaty', 'name' }

-- Returns the value of g:NAME, or dflt when it is unset or empty.
local function setting(name, dflt)
  local v = vim.g[name]
  if v == nil or v == '' then
    return dflt
  end
  return v
end

-- Returns the number in g:NAME, or dflt. `let g:psearch_limit = "20"`
-- works too: a string would reach the daemon as a string and be refused.
local function number_setting(name, dflt)
  local v = tonumber(setting(name, dflt))
  if not v or v < 0 then
    return dflt
  end
  return math.floor(v)
end

-- Returns path with a leading ~ and $VARIABLEs replaced. expand() is not
-- used: it would also glob, and read %, # and <cword> as Vim's own.
local function expand_path(path)
  path = path:gsub('^~/', (vim.loop.os_homedir() or '~') .. '/')
  return (path:gsub('%$([%w_]+)', function(var)
    return vim.env[var] or ''
  end))
end

-- Returns the socket the daemon listens on by default, by the same rule as
-- psearch and psearchd: $PSEARCH_SOCKET, else $XDG_RUNTIME_DIR/psearch.sock
-- (when that is an absolute path), else /tmp/psearch-UID.sock.
function M.default_socket()
  local env = vim.env.PSEARCH_SOCKET
  if env and env ~= '' then
    return env
  end
  local run = vim.env.XDG_RUNTIME_DIR
  if run and run:sub(1, 1) == '/' then
    return run .. '/psearch.sock'
  end
  return string.format('/tmp/psearch-%d.sock', vim.loop.getuid())
end

-- Returns the socket to use: g:psearch_socket, else the default.
function M.socket_path()
  local s = setting('psearch_socket', nil)
  if s then
    return expand_path(s)
  end
  return M.default_socket()
end

-- Shows one line of message. Whatever the daemon or libuv said is folded
-- onto that line: a message of several lines would stop the editor at a
-- hit-enter prompt.
local function say(msg, level)
  msg = tostring(msg):gsub('%s*\n%s*', ' ')
  vim.notify(msg, level or vim.log.levels.INFO)
end

-- Reports a failed request in one line that says what to do about it.
local function report(err, path, query)
  local levels = vim.log.levels
  if err.kind == 'connect' and err.code == 'nodaemon' then
    local how = 'psearchd --index DIR'
    if path ~= M.default_socket() then
      how = how .. ' --socket ' .. path
    end
    say(string.format('psearch: no daemon on %s — start it with: %s', path,
      how), levels.WARN)
  elseif err.kind == 'connect' and err.code == 'notsocket' then
    say(string.format('psearch: %s is not a socket; set g:psearch_socket to '
      .. 'the daemon\'s', path), levels.ERROR)
  elseif err.kind == 'connect' then
    say(string.format('psearch: cannot connect to %s: %s', path,
      err.message or err.code), levels.ERROR)
  elseif err.kind == 'timeout' then
    say(string.format('psearch: no answer from the daemon on %s within %g s',
      path, err.ms / 1000), levels.ERROR)
  elseif err.kind == 'closed' then
    say(string.format('psearch: the daemon on %s closed the connection',
      path), levels.ERROR)
  elseif err.kind == 'daemon' and err.code == 'EBADQUERY' then
    local where = ''
    if type(err.position) == 'number' then
      where = string.format('column %d of: ', err.position + 1)
    end
    say(string.format('psearch: malformed query: %s (%s%s)',
      err.message or 'rejected', where, query or ''), levels.ERROR)
  elseif err.kind == 'daemon' then
    say(string.format('psearch: %s: %s', err.code or 'error',
      err.message or 'the daemon refused the request'), levels.ERROR)
  else
    say('psearch: ' .. (err.message or err.kind), levels.ERROR)
  end
end

-- Returns the list of lines of a doc answer's text, which holds lines
-- first_line..last_line each ending in "\n".
local function doc_lines(doc)
  local lines = {}
  local text = type(doc.text) == 'string' and doc.text or ''
  for line in (text:gsub('\n$', '') .. '\n'):gmatch('([^\n]*)\n') do
    table.insert(lines, (line:gsub('\r$', '')))
  end
  return lines
end

-- Returns a result's snippet as one line, for entries whose own line could
-- not be fetched and for results matched without hit lines.
local function snippet_of(r)
  local s = r.snippet
  if type(s) ~= 'string' or s == '' then
    s = type(r.title) == 'string' and r.title or ''
  end
  return (s:gsub('%s*\n%s*', ' '))
end

-- Pronouns whose "'s" is "is" ("he's predicting"), not a possessive.
local CONTRACTED = { he = true, she = true, it = true, that = true,
  who = true, there = true, what = true, here = true, where = true,
  one = true }

-- The possessive ending that the source SRC gives its speaker's name WHO,
-- as psearch prints it: "’s" for "Kerry’s announcement", "’" for
-- "Sanders’ attacks" (straight or curly, as written), "" otherwise.
local function possessive(src, who)
  for _, ap in ipairs({ '\226\128\153', "'" }) do
    if #src > #ap + 1 and src:sub(-(#ap + 1)) == ap .. 's' then
      local word = src:sub(1, -(#ap + 2)):match('(%S+)$') or ''
      if CONTRACTED[word:lower()] then
        return ''
      end
      return ap .. 's'
    end
    if #src > #ap and src:sub(-#ap) == ap
        and src:sub(-(#ap + 1), -(#ap + 1)) == 's' then
      return who:sub(-1) == 's' and ap or ap .. 's'
    end
  end
  return ''
end

-- One quote of a said: or quote: result as psearch prints it: "John Lough
-- said: “…”", an unresolved or unnamed speaker marked so, never guessed.
local function quote_text(q)
  local who = type(q.speaker) == 'table' and q.speaker.name or nil
  local src = type(q.source) == 'string' and q.source or ''
  if type(who) == 'string' and who ~= '' then
    who = who .. possessive(src, who)
  else
    who = nil
  end
  if not who then
    if q.speaker_kind == 'pronoun' then
      who = src .. ' (unresolved)'
    elseif q.speaker_kind == 'unnamed' then
      who = src .. ' (unnamed)'
    else
      who = '(no source)'
    end
  end
  local cue = tostring(q.cue or '')
  local content = tostring(q.content or '')
  local s
  if cue:lower():sub(1, 12) == 'according to' then
    -- "according to" reads before its source, not after.
    s = string.format('According to %s, %s', who, content)
  elseif not cue:find('%w') then
    -- A cue of punctuation alone (a colon, a dash) is the line's colon.
    s = string.format('%s: %s', who, content)
  else
    -- Reported speech runs on from its verb ("Comey said that ..."); a
    -- quotation, or words that start as a sentence does, follow a colon,
    -- unless the cue ends in one ("said:").
    local sep = (content:find('^%l') or cue:find(':$')) and ' ' or ': '
    s = string.format('%s %s%s%s', who, cue, sep, content)
  end
  return (s:gsub('%s*\n%s*', ' '))
end

-- Builds the quickfix entries: one per hit, in rank order, or for a said:
-- or quote: query one per matching quote, at the quote. texts[i] maps a
-- line number of result i to that line's text, or is nil when the doc op
-- failed, in which case the snippet stands in.
local function qf_items(results, texts)
  local items = {}
  for i, r in ipairs(results) do
    local hits = type(r.hits) == 'table' and r.hits or {}
    local quotes = type(r.quotes) == 'table' and r.quotes or {}
    if #quotes > 0 then
      for _, q in ipairs(quotes) do
        table.insert(items, { filename = r.path, lnum = q.line, col = q.column,
          vcol = 0, text = quote_text(q) })
      end
      hits = {}
    elseif #hits == 0 then
      -- Matched through title:, path: or date: only: there is no hit
      -- line, so the entry points at the article and shows its snippet.
      table.insert(items, { filename = r.path, lnum = 1, col = 0,
        text = snippet_of(r) })
    end
    for _, h in ipairs(hits) do
      local text = texts[i] and texts[i][h.line]
      table.insert(items, {
        filename = r.path,
        lnum = h.line,
        col = h.column,
        vcol = 0,
        text = text or snippet_of(r),
      })
    end
  end
  return items
end

-- Returns the quickfix title: the query and how many articles matched.
local function qf_title(query, res, shown)
  local total = tonumber(res.total) or shown
  local n = tostring(total)
  if res.total_exact == false then
    n = 'about ' .. n
  end
  if shown < total then
    n = string.format('%d of %s', shown, n)
  end
  -- The relaxed form answered: the articles with most of the words.
  local relaxed = res.relaxed == true and ', relaxed' or ''
  return string.format('psearch: %s (%s %s%s)', query, n,
    total == 1 and 'match' or 'matches', relaxed)
end

-- Opens the quickfix window. When the answer comes while the user is typing
-- (insert or command-line mode), the window opens without taking the
-- cursor away.
local function open_qf()
  local mode = vim.api.nvim_get_mode().mode
  if mode:sub(1, 1) == 'n' then
    vim.cmd('copen')
  else
    vim.cmd('copen | wincmd p')
  end
end

-- Fills a new quickfix list with the results and opens it.
local function show_results(query, res, texts)
  local items = qf_items(res.results, texts)
  vim.fn.setqflist({}, ' ', {
    title = qf_title(query, res, #res.results),
    items = items,
    context = { psearch = { query = query, total = res.total } },
  })
  last_qf_id = vim.fn.getqflist({ id = 0 }).id
  open_qf()
end

-- The hit lines' text that came with the answer ("lines": true), by
-- result and line number; nil when a result with hits lacks it (a daemon
-- older than that field).
local function given_lines(results)
  local texts = {}
  for i, r in ipairs(results) do
    if type(r.lines) == 'table' then
      local t = {}
      for k, line in pairs(r.lines) do
        if tonumber(k) and type(line) == 'string' then
          t[tonumber(k)] = line
        end
      end
      texts[i] = t
    elseif type(r.hits) == 'table' and #r.hits > 0 then
      return nil
    end
  end
  return texts
end

-- Asks the daemon, on the same connection, for the lines that hold each
-- result's hits (one doc request per result, from its first hit line to
-- its last), then calls done(texts) in the main loop: for a daemon that
-- does not send them with the answer. The text comes from
-- the index, not the file on disk, because that is the text the hits'
-- lines and columns were computed on. A doc the daemon refuses (say, the
-- article was removed by a reindex meanwhile) leaves texts[i] nil; a
-- failed connection calls fail(err) instead, once.
local function fetch_lines(conn, results, done, fail)
  local texts, waiting, failed = {}, 0, false
  local function one_done()
    waiting = waiting - 1
    if waiting == 0 and not failed then
      done(texts)
    end
  end
  for i, r in ipairs(results) do
    local lo, hi
    for _, h in ipairs(type(r.hits) == 'table' and r.hits or {}) do
      lo = math.min(lo or h.line, h.line)
      hi = math.max(hi or h.line, h.line)
    end
    if lo then
      waiting = waiting + 1
      conn:request({ op = 'doc', path = r.path, from = lo, to = hi },
        function(err, doc)
          if err and err.kind ~= 'daemon' then
            if not failed then
              failed = true
              fail(err)
            end
            return
          end
          if doc then
            local t = {}
            for k, line in ipairs(doc_lines(doc)) do
              t[(tonumber(doc.first_line) or lo) + k - 1] = line
            end
            texts[i] = t
          end
          one_done()
        end)
    end
  end
  if waiting == 0 then
    done(texts)
  end
end

-- :Psearch {query}: sends the search and returns at once; the quickfix
-- list is filled when the answer (and the hit lines' text) has come.
function M.search(query)
  query = vim.trim(query or '')
  if query == '' then
    say('psearch: no query', vim.log.levels.ERROR)
    return
  end
  generation = generation + 1
  local gen = generation
  local path = M.socket_path()
  local conn = client.connect(path,
    { timeout = number_setting('psearch_timeout', 10000) })
  conn:request({
    op = 'search',
    q = query,
    limit = number_setting('psearch_limit', 100),
    max_hits = number_setting('psearch_max_hits', 50),
    lines = true,
  }, function(err, res)
    if gen ~= generation then
      conn:close()
      return
    end
    if err then
      conn:close()
      report(err, path, query)
      return
    end
    local results = type(res.results) == 'table' and res.results or {}
    if #results == 0 then
      conn:close()
      local msg = 'psearch: no matches for ' .. query
      if type(res.suggestion) == 'string' then
        msg = msg .. ' — did you mean: ' .. res.suggestion .. '?'
      end
      say(msg, vim.log.levels.WARN)
      return
    end
    res.results = results
    local texts = given_lines(results)
    if texts then
      conn:close()
      show_results(query, res, texts)
      return
    end
    fetch_lines(conn, results, function(texts)
      conn:close()
      if gen == generation then
        show_results(query, res, texts)
      end
    end, function(ferr)
      conn:close()
      if gen == generation then
        report(ferr, path, query)
      end
    end)
    conn:finish()
  end)
end

-- :PsearchWord: searches the word under the cursor as an exact word, the
-- way * does, so that a word such as AND or NEAR is not an operator.
function M.search_word()
  local word = vim.fn.expand('<cword>'):gsub('"', '')
  if word == '' then
    say('psearch: no word under the cursor', vim.log.levels.WARN)
    return
  end
  M.search('"' .. word .. '"')
end

-- Returns s padded with spaces to width display cells (or cut to it), so
-- names with accents or wide characters still line up.
local function pad(s, width)
  local w = vim.fn.strdisplaywidth(s)
  if w > width then
    s = vim.fn.strcharpart(s, 0, width - 1) .. '…'
    w = vim.fn.strdisplaywidth(s)
  end
  return s .. string.rep(' ', width - w)
end

-- Returns the lines of the entities buffer and, by line number, the
-- entity each line names.
local function entity_report(query, res)
  local facets = type(res.facets) == 'table' and res.facets or {}
  local types, seen = {}, {}
  for _, t in ipairs(TYPE_ORDER) do
    types[#types + 1], seen[t] = t, true
  end
  local extra = {}
  for t in pairs(facets) do
    if not seen[t] then
      extra[#extra + 1] = t
    end
  end
  table.sort(extra)
  vim.list_extend(types, extra)

  local total = tonumber(res.total) or 0
  local lines = {
    string.format('psearch entities: %s (%d %s)', query, total,
      total == 1 and 'matching article' or 'matching articles'),
    '',
    pad('type', 8) .. pad('name', 32) .. '    docs  mentions',
  }
  local by_line = {}
  for _, t in ipairs(types) do
    local list = type(facets[t]) == 'table' and facets[t] or {}
    -- A blank line between types makes the groups easy to tell apart.
    if #list > 0 and next(by_line) ~= nil then
      lines[#lines + 1] = ''
    end
    for _, e in ipairs(list) do
      local name = type(e.name) == 'string' and e.name or tostring(e.id)
      lines[#lines + 1] = pad(t, 8) .. pad(name, 32) .. string.format(
        '%8d%10d', tonumber(e.docs) or 0, tonumber(e.mentions) or 0)
      by_line[#lines] = { type = t, name = name }
    end
  end
  if next(by_line) == nil then
    lines[#lines + 1] = '(no entities)'
  end
  lines[#lines + 1] = ''
  lines[#lines + 1] = '<CR> on a line searches for that entity.'
  return lines, by_line
end

-- Returns the entities scratch buffer, made on first use: not a file,
-- never saved, kept when hidden so its window can be reopened.
local function entities_buffer()
  local buf = vim.fn.bufnr(ENTITIES_BUF)
  if buf > 0 and vim.api.nvim_buf_is_valid(buf) then
    return buf
  end
  buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_name(buf, ENTITIES_BUF)
  vim.api.nvim_buf_set_option(buf, 'bufhidden', 'hide')
  vim.api.nvim_buf_set_option(buf, 'filetype', 'psearch')
  vim.api.nvim_buf_set_keymap(buf, 'n', '<CR>',
    '<Cmd>lua require("psearch").search_entity()<CR>',
    { noremap = true, silent = true })
  return buf
end

-- Puts the lines in the entities buffer and shows it in a window below,
-- reusing the window when it is already on screen.
local function show_entities(lines, by_line)
  local buf = entities_buffer()
  vim.api.nvim_buf_set_option(buf, 'modifiable', true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.api.nvim_buf_set_option(buf, 'modifiable', false)
  entity_lines[buf] = by_line
  local win = vim.fn.bufwinid(buf)
  if win == -1 then
    vim.cmd('botright split')
    vim.api.nvim_win_set_buf(0, buf)
    vim.api.nvim_win_set_height(0, math.min(#lines, 15))
  else
    vim.api.nvim_set_current_win(win)
  end
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
end

-- :PsearchEntities {query}: lists the entities most talked about in the
-- matching articles (the facets op), by type, in a scratch buffer.
function M.entities(query)
  query = vim.trim(query or '')
  if query == '' then
    say('psearch: no query', vim.log.levels.ERROR)
    return
  end
  local path = M.socket_path()
  local conn = client.connect(path,
    { timeout = number_setting('psearch_timeout', 10000) })
  conn:request({ op = 'facets', q = query,
    limit = number_setting('psearch_facets', 10) }, function(err, res)
    conn:close()
    if err then
      report(err, path, query)
      return
    end
    show_entities(entity_report(query, res))
  end)
end

-- <CR> in the entities buffer: searches for the entity on the cursor's
-- line, by type and name (type:"name" finds it by any of its aliases).
function M.search_entity()
  local buf = vim.api.nvim_get_current_buf()
  local e = (entity_lines[buf] or {})[vim.fn.line('.')]
  if not e then
    return
  end
  M.search(string.format('%s:"%s"', e.type, (e.name:gsub('"', ''))))
end

-- Returns the window to show a result in: from the quickfix window, the
-- window used last, else a new one above the quickfix window.
local function target_window()
  if vim.bo.buftype ~= 'quickfix' then
    return
  end
  vim.cmd('wincmd p')
  if vim.bo.buftype == 'quickfix' or vim.bo.buftype == 'nofile' then
    for _, w in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
      local b = vim.api.nvim_win_get_buf(w)
      if vim.api.nvim_buf_get_option(b, 'buftype') == '' then
        vim.api.nvim_set_current_win(w)
        return
      end
    end
    vim.cmd('aboveleft new')
  end
end

-- Returns the list PsearchOpen works on, as getqflist() gives it (items
-- and current index), and a function that makes entry i the list's current
-- one. With cursor_list, the list shown in the current quickfix or
-- location-list window; otherwise the last list psearch made, or the
-- current quickfix list when that one is gone from the stack.
local function open_list(cursor_list)
  local what = { id = 0, items = 1, idx = 0 }
  if cursor_list then
    local win = vim.api.nvim_get_current_win()
    if vim.fn.getwininfo(win)[1].loclist == 1 then
      -- A location-list window shows its own list; window ids stay valid
      -- when the cursor moves on, so the index is set on the same list.
      return vim.fn.getloclist(win, what), function(i)
        vim.fn.setloclist(win, {}, 'a', { idx = i })
      end
    end
  elseif last_qf_id and vim.fn.getqflist({ id = last_qf_id }).id ~= 0 then
    what.id = last_qf_id
  end
  local list = vim.fn.getqflist(what)
  return list, function(i)
    vim.fn.setqflist({}, 'a', { id = list.id, idx = i })
  end
end

-- :PsearchOpen [N]: jumps to entry N of the last psearch list, or, without
-- N, to the entry under the cursor in a quickfix or location-list window,
-- else to the current entry of the last psearch list. The cursor lands on
-- the hit's line and byte column, and the list's current entry follows, so
-- that :cnext goes on from there.
function M.open(n)
  local in_list = vim.bo.buftype == 'quickfix' and not n
  local list, set_idx = open_list(in_list)
  if in_list then
    n = vim.fn.line('.')
  end
  n = n or list.idx
  local item = list.items and list.items[n]
  if not item then
    say(string.format('psearch: no result %s', tostring(n)),
      vim.log.levels.WARN)
    return
  end
  if item.bufnr == 0 or item.valid == 0 then
    say('psearch: that entry names no file', vim.log.levels.WARN)
    return
  end
  target_window()
  local ok, err = pcall(vim.cmd, 'buffer ' .. item.bufnr)
  if not ok then
    say('psearch: ' .. tostring(err):gsub('^Vim%(%a+%):', ''),
      vim.log.levels.ERROR)
    return
  end
  local last = vim.api.nvim_buf_line_count(0)
  local lnum = math.min(math.max(item.lnum, 1), last)
  local line = vim.api.nvim_buf_get_lines(0, lnum - 1, lnum, false)[1] or ''
  local col = math.min(math.max(item.col - 1, 0), math.max(#line - 1, 0))
  vim.api.nvim_win_set_cursor(0, { lnum, col })
  vim.cmd('normal! zv')
  set_idx(n)
end

-- For tests/T400-nvim.sh: a quote as the quickfix list shows it.
M._quote_text = quote_text

return M
