-- The Neovim side of tests/T400-nvim.sh: runs one case of the psearch
-- plugin, named by $T400_CASE, inside `nvim --headless`, writes what it saw
-- to $T400_OUT as TAB-separated records for the shell to check, and quits.
-- Every wait is bounded, and any Lua error ends nvim with a non-zero status,
-- so a broken case fails instead of hanging.

local uv = vim.loop
local case = vim.env.T400_CASE
local out = assert(io.open(vim.env.T400_OUT, 'w'))
-- The longest wait for the daemon's answer, in milliseconds.
local WAIT = 5000

-- Writes one record: its fields joined by TABs.
local function put(...)
  local fields = {}
  for i = 1, select('#', ...) do
    fields[i] = tostring((select(i, ...)))
  end
  out:write(table.concat(fields, '\t'), '\n')
end

-- Messages are collected instead of shown, so that the shell can count and
-- read them.
local messages = {}
vim.notify = function(msg, level)
  table.insert(messages, { msg = msg, level = level })
end

-- Waits (bounded) until the quickfix list has the title the plugin gives
-- it, and says whether it came.
local function wait_qf()
  return vim.wait(WAIT, function()
    return vim.fn.getqflist({ title = 0 }).title:find('^psearch: ') ~= nil
  end, 5)
end

-- Waits (bounded) for the n-th message.
local function wait_message(n)
  return vim.wait(WAIT, function()
    return #messages >= n
  end, 5)
end

-- Writes the quickfix list: its title, then one "entry" record per item
-- with its file, line, byte column and text.
local function put_qf()
  local qf = vim.fn.getqflist({ title = 0, items = 1 })
  put('title', qf.title)
  for _, it in ipairs(qf.items) do
    put('entry', vim.fn.fnamemodify(vim.fn.bufname(it.bufnr), ':p'),
      it.lnum, it.col, it.text)
  end
end

-- Writes every message with its level, and the time taken.
local function put_messages(t0)
  for _, m in ipairs(messages) do
    put('message', m.level, m.msg)
  end
  put('elapsed_ms', math.floor((uv.hrtime() - t0) / 1e6))
end

-- Writes where the cursor is: the file's full name, line, byte column
-- (1-based), and the window's 'buftype' (empty for an ordinary window).
local function put_cursor(tag)
  local pos = vim.api.nvim_win_get_cursor(0)
  put(tag, vim.fn.expand('%:p'), pos[1], pos[2] + 1, vim.bo.buftype)
end

-- A repeating 5 ms timer: if it keeps ticking while a request is in
-- flight, the editor's loop was not blocked.
local function ticker()
  local t = { n = 0, timer = uv.new_timer() }
  t.timer:start(5, 5, function()
    t.n = t.n + 1
  end)
  return t
end

-- A listener on path that accepts connections and never answers, as a
-- daemon that hangs would.
local function mute_server(path)
  local server = uv.new_pipe(false)
  assert(server:bind(path))
  server:listen(8, function()
    local c = uv.new_pipe(false)
    server:accept(c)
  end)
  return server
end

-- A proxy on path that waits delay ms before passing a connection on to
-- the real daemon at upstream, as a busy daemon would, then trickles the
-- answers back 200 bytes a millisecond, so that the client reads them in
-- pieces that end in the middle of a line: the answers are real, only late
-- and torn.
local function slow_proxy(path, upstream, delay)
  local server = uv.new_pipe(false)
  assert(server:bind(path))
  server:listen(8, function()
    local c = uv.new_pipe(false)
    server:accept(c)
    local timer = uv.new_timer()
    local queued, eof = '', false
    timer:start(delay, 0, function()
      local u = uv.new_pipe(false)
      u:connect(upstream, function(err)
        assert(not err, err)
        c:read_start(function(_, data)
          if data then u:write(data) else u:close() end
        end)
        u:read_start(function(_, data)
          if data then queued = queued .. data else eof = true end
        end)
        timer:start(1, 1, function()
          if queued ~= '' then
            c:write(queued:sub(1, 200))
            queued = queued:sub(201)
          elseif eof then
            timer:close()
            c:close()
          end
        end)
      end)
    end)
  end)
  return server
end

local cases = {}

-- :Psearch on the real daemon: returns before the answer, then fills and
-- opens the quickfix list.
function cases.search()
  vim.cmd('Psearch Article 5')
  put('size_after_command', #vim.fn.getqflist())
  put('came', (wait_qf()))
  put('qf_window', vim.bo.buftype)
  put_qf()
end

-- :Psearch said:Lough: one entry per quote, at the quote.
function cases.said()
  vim.cmd('Psearch said:Lough')
  put('came', (wait_qf()))
  put_qf()
end

-- A quote's quickfix text, as psearch prints it: a possessive source keeps
-- its ending, a pronoun's contraction does not, a punctuation cue is the
-- line's colon, "according to" goes first, an unresolved source says so.
function cases.quote_text()
  local text = require('psearch')._quote_text
  local comey = { type = 'person', id = 'james-comey', name = 'James Comey' }
  put('q', text({ speaker = comey, source = 'Mr. Comey\226\128\153s',
    cue = 'most surprising suggestion was', content = 'that it was hacked' }))
  put('q', text({ speaker = comey, source = "Sanders'", cue = 'attacks on',
    content = 'Wall Street' }))
  put('q', text({ speaker = comey, source = "He's", cue = 'predicting',
    content = 'a win' }))
  put('q', text({ speaker = comey, source = 'Comey', cue = ':',
    content = 'I Still Believe' }))
  put('q', text({ speaker = comey, source = 'Comey', cue = 'according to',
    content = 'the talks' }))
  put('q', text({ speaker = vim.NIL, speaker_kind = 'pronoun',
    source = 'he', cue = 'said', content = 'no' }))
  put('q', text({ speaker = comey, source = 'Comey', cue = 'said:',
    content = '"No magic"' }))
end

-- :PsearchWord with the cursor inside a word of a file.
function cases.word()
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.T400_FILE))
  vim.fn.search('Kushner')
  vim.cmd('normal! l')
  vim.cmd('PsearchWord')
  put('came', (wait_qf()))
  put_qf()
end

-- :PsearchEntities, then <CR> on an entity's line.
function cases.entities()
  vim.cmd('PsearchEntities Article 5')
  local came = vim.wait(WAIT, function()
    return vim.fn.bufname() == 'psearch://entities'
  end, 5)
  put('came', came)
  put('buftype', vim.bo.buftype, vim.bo.modifiable)
  for _, line in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    put('line', line)
  end
  vim.fn.search('Jared Kushner')
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<CR>', true, false,
    true), 'x', false)
  put('came', (wait_qf()))
  put_qf()
end

-- :PsearchOpen N, then :PsearchOpen on a line of the quickfix window.
function cases.open()
  vim.cmd('Psearch Article 5')
  put('came', (wait_qf()))
  put_qf()
  vim.cmd('PsearchOpen 3')
  put_cursor('open3')
  put('qf_idx', vim.fn.getqflist({ idx = 0 }).idx)
  vim.cmd('copen')
  vim.api.nvim_win_set_cursor(0, { 2, 0 })
  vim.cmd('PsearchOpen')
  put_cursor('open_from_qf')
  put('qf_idx', vim.fn.getqflist({ idx = 0 }).idx)
  vim.cmd('PsearchOpen 9')
  put('message', messages[#messages] and messages[#messages].msg)
  -- The same list as a location list: the entry under the cursor there.
  vim.fn.setloclist(0, vim.fn.getqflist())
  vim.cmd('lopen')
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.cmd('PsearchOpen')
  put_cursor('open_from_loclist')
  put('loclist_idx', vim.fn.getloclist(0, { idx = 0 }).idx)
end

-- No daemon on the socket: one message, at once.
function cases.nodaemon()
  local t0 = uv.hrtime()
  vim.cmd('Psearch Article 5')
  put('came', (wait_message(1)))
  vim.wait(200)
  put_messages(t0)
  put('qf_size', #vim.fn.getqflist())
end

-- A socket left by a daemon that is gone (connection refused), and a path
-- that is a plain file: each gets its one line.
function cases.stale()
  local stale = vim.env.T400_DIR .. '/stale.sock'
  local server = uv.new_pipe(false)
  assert(server:bind(stale))
  server:close()
  local plain = vim.env.T400_DIR .. '/plain'
  assert(io.open(plain, 'w')):close()
  local t0 = uv.hrtime()
  vim.g.psearch_socket = stale
  vim.cmd('Psearch Article 5')
  put('came', (wait_message(1)))
  vim.g.psearch_socket = plain
  vim.cmd('Psearch Article 5')
  put('came', (wait_message(2)))
  vim.wait(200)
  put_messages(t0)
end

-- A malformed query: the daemon's message, in one line.
function cases.badquery()
  local t0 = uv.hrtime()
  vim.cmd('Psearch peace "closer')
  put('came', (wait_message(1)))
  vim.wait(200)
  put_messages(t0)
  put('qf_size', #vim.fn.getqflist())
end

-- A daemon that accepts and never answers: the timeout reports it, and
-- the editor was never blocked meanwhile.
function cases.timeout()
  local path = vim.env.T400_DIR .. '/mute.sock'
  local server = mute_server(path)
  vim.g.psearch_socket = path
  vim.g.psearch_timeout = 300
  local tick = ticker()
  local t0 = uv.hrtime()
  vim.cmd('Psearch Article 5')
  put('came', (wait_message(1)))
  put('ticks', tick.n)
  put_messages(t0)
  tick.timer:close()
  server:close()
end

-- A daemon that answers 300 ms late, in pieces: :Psearch returns at once,
-- timers keep running while the answer is awaited, and the results come.
function cases.slow()
  local path = vim.env.T400_DIR .. '/slow.sock'
  local server = slow_proxy(path, vim.g.psearch_socket, 300)
  vim.g.psearch_socket = path
  local tick = ticker()
  local t0 = uv.hrtime()
  vim.cmd('Psearch Article 5')
  put('return_ms', (uv.hrtime() - t0) / 1e6)
  put('size_after_command', #vim.fn.getqflist())
  put('came', (wait_qf()))
  put('ticks', tick.n)
  put_qf()
  put_messages(t0)
  tick.timer:close()
  server:close()
end

-- The default socket, by the same rule as psearch and psearchd.
function cases.socket()
  local ps = require('psearch')
  vim.g.psearch_socket = nil
  vim.env.PSEARCH_SOCKET = '/x/env.sock'
  vim.env.XDG_RUNTIME_DIR = '/run/user/7'
  put('env', ps.socket_path())
  vim.env.PSEARCH_SOCKET = nil
  put('xdg', ps.socket_path())
  vim.env.XDG_RUNTIME_DIR = 'relative'
  put('tmp', ps.socket_path())
  vim.env.XDG_RUNTIME_DIR = nil
  put('tmp', ps.socket_path())
  vim.g.psearch_socket = '/x/g.sock'
  put('g', ps.socket_path())
  vim.g.psearch_socket = '$T400_DIR/%s.sock'
  put('g_env', ps.socket_path())
end

local ok, err = xpcall(function()
  assert(cases[case], 'no such case: ' .. tostring(case))
  cases[case]()
end, debug.traceback)
if not ok then
  put('error', (tostring(err):gsub('\n', ' | ')))
end
out:close()
vim.cmd(ok and 'qa!' or 'cquit 3')
