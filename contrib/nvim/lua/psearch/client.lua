-- The psearchd client: one connection to the daemon's Unix socket through
-- Neovim's libuv binding, speaking JSON Lines (one request or answer per
-- line), with answers matched to requests by id. Nothing here ever waits:
-- every result is handed to a callback, which runs in the main loop (through
-- vim.schedule) so that it may touch buffers, windows and the quickfix list.

local uv = vim.loop

local M = {}

-- Connection errors that mean "nobody is listening there": the socket file
-- is missing, or it was left behind by a daemon that is gone.
local NO_DAEMON = { ENOENT = true, ECONNREFUSED = true, ENOTSOCK = true }

local Conn = {}
Conn.__index = Conn

-- Returns the error name libuv puts first in its messages
-- ("ENOENT: no such file or directory" gives "ENOENT").
local function uv_code(err)
  return tostring(err):match('^(E%u+)') or tostring(err)
end

-- Closes a libuv handle unless that was already done, so that every path
-- out of a connection may call it without checking who came first.
local function close_handle(h)
  if h and not h:is_closing() then
    h:close()
  end
end

-- Fails every request still waiting, once, and closes the connection. The
-- callbacks are scheduled: this may run inside a libuv callback, where most
-- of the editor's API is off limits.
function Conn:fail_all(err)
  if self.closed then
    return
  end
  self.closed = true
  local pending = self.pending
  self.pending = {}
  for _, req in pairs(pending) do
    close_handle(req.timer)
    vim.schedule(function()
      req.cb(err, nil)
    end)
  end
  close_handle(self.pipe)
end

-- Hands one decoded answer to the request with the same id. An error that
-- carries no id (a line the daemon could not read, the idle timeout, too
-- many clients) concerns the connection as a whole, so every waiting
-- request hears of it.
function Conn:dispatch(msg)
  local id = type(msg) == 'table' and msg.id or nil
  local req = id ~= nil and self.pending[id] or nil
  if not req then
    if type(msg) == 'table' and msg.ok == false then
      local e = type(msg.error) == 'table' and msg.error or {}
      self:fail_all({
        kind = 'daemon',
        code = e.code,
        message = e.message,
        position = e.position,
      })
    end
    return
  end
  self.pending[id] = nil
  close_handle(req.timer)
  vim.schedule(function()
    if msg.ok == true then
      req.cb(nil, msg)
    else
      local e = type(msg.error) == 'table' and msg.error or {}
      req.cb({
        kind = 'daemon',
        code = e.code,
        message = e.message,
        position = e.position,
      }, nil)
    end
  end)
  if self.close_when_idle and next(self.pending) == nil then
    self:close()
  end
end

-- Takes whatever the socket delivered: reads may end anywhere, so bytes
-- after the last newline wait in self.partial for the next read.
function Conn:on_data(data)
  self.partial = self.partial .. data
  while true do
    local nl = self.partial:find('\n', 1, true)
    if not nl then
      break
    end
    local line = self.partial:sub(1, nl - 1)
    self.partial = self.partial:sub(nl + 1)
    if line:find('%S') then
      local ok, msg = pcall(vim.json.decode, line)
      if not ok then
        self:fail_all({
          kind = 'protocol',
          message = 'the daemon sent a line that is not JSON',
        })
        return
      end
      self:dispatch(msg)
    end
    if self.closed then
      return
    end
  end
end

-- Writes one request line; before the connection is up, lines wait in
-- self.queue and are flushed by the connect callback.
function Conn:send_line(line)
  if self.connected then
    self.pipe:write(line)
  else
    table.insert(self.queue, line)
  end
end

-- Sends a request table (its id is filled in here) and calls
-- cb(err, answer) in the main loop: err is nil and answer the decoded
-- object when the daemon said ok, otherwise err is a table whose kind is
-- 'connect' (with code 'nodaemon', 'notsocket' or a libuv error name),
-- 'timeout', 'closed', 'protocol' or 'daemon' (with code, message and
-- position).
function Conn:request(req, cb)
  if self.closed then
    vim.schedule(function()
      cb(self.error or { kind = 'closed' }, nil)
    end)
    return
  end
  self.next_id = self.next_id + 1
  local id = self.next_id
  req.id = id
  local entry = { cb = cb, timer = uv.new_timer() }
  self.pending[id] = entry
  -- Each request has its own deadline, so a daemon that stops answering is
  -- reported instead of being waited for forever.
  entry.timer:start(self.timeout, 0, function()
    if self.pending[id] then
      self.error = { kind = 'timeout', ms = self.timeout }
      self:fail_all(self.error)
    end
  end)
  self:send_line(vim.json.encode(req) .. '\n')
end

-- Closes the connection now if nothing is waiting, else as soon as the
-- last answer has arrived.
function Conn:finish()
  if next(self.pending) == nil then
    self:close()
  else
    self.close_when_idle = true
  end
end

-- Closes the connection at once; requests still waiting hear 'closed'.
function Conn:close()
  self:fail_all({ kind = 'closed' })
end

-- Opens a connection to the socket at path. opts.timeout is the longest
-- wait for each answer, in milliseconds (default 10000). Requests may be
-- sent at once: they are written when the connection is up, or fail with
-- the connection error, whose code is 'nodaemon' when nothing listens
-- there and 'notsocket' when the path is some other kind of file.
function M.connect(path, opts)
  opts = opts or {}
  local self = setmetatable({
    path = path,
    timeout = opts.timeout or 10000,
    pipe = uv.new_pipe(false),
    pending = {},
    queue = {},
    partial = '',
    next_id = 0,
    connected = false,
    closed = false,
  }, Conn)
  self.pipe:connect(path, function(err)
    if self.closed then
      return
    end
    if err then
      local code = uv_code(err)
      if NO_DAEMON[code] then
        code = 'nodaemon'
        -- A file that is not a socket is never a daemon's doing (psearchd
        -- will not touch it either), so it gets a message of its own. The
        -- stat is of one local path, and only after a failure.
        local st = uv.fs_stat(path)
        if st and st.type ~= 'socket' then
          code = 'notsocket'
        end
      end
      self.error = {
        kind = 'connect',
        code = code,
        message = tostring(err),
      }
      self:fail_all(self.error)
      return
    end
    self.connected = true
    for _, line in ipairs(self.queue) do
      self.pipe:write(line)
    end
    self.queue = {}
    self.pipe:read_start(function(rerr, data)
      if rerr then
        self.error = { kind = 'closed', message = tostring(rerr) }
        self:fail_all(self.error)
      elseif data then
        self:on_data(data)
      else
        self.error = { kind = 'closed' }
        self:fail_all(self.error)
      end
    end)
  end)
  return self
end

return M
