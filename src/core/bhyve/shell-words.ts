/**
 * shell-words: split shell-syntax text (what people keep in rc scripts, vm-bhyve logs or
 * libvirt's test fixtures) into commands, each a list of words — the subset of sh(1) that
 * a static command line uses:
 *
 *   - words separated by blanks; `# comment` at the start of a word runs to end of line
 *   - 'single quotes' (literal), "double quotes" (\ escapes only $ ` " \ and newline),
 *     backslash escapes outside quotes, backslash-newline = line continuation
 *   - commands end at a newline, `;`, `&`, `&&` or `||`
 *   - a leading `exec`, `env` (with NAME=value words), `nohup`, `command`, or a bare `sudo` /
 *     `doas` is skipped
 *
 * Anything that needs a running shell to mean something — $variables, $(…) / `…`
 * substitution, pipes, redirections, globs, subshells — is refused with a VirError naming
 * the construct, because guessing its value would silently produce a different VM.
 *
 * splitShellCommands(text): string[][]   (empty commands are dropped)
 */
import { VirError } from '../errors';

/** Upper bound on the input we accept: a bhyve command file is a few KiB. */
export const MAX_SHELL_TEXT = 1 << 20;

/** 1 for characters with no meaning to sh(1) inside a word (ASCII letters, digits, -_./,:=+@%^!{}]) */
const PLAIN = new Uint8Array(128);
for (const ch of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./,:=+@%^!{}]*?[~#') PLAIN[ch.charCodeAt(0)] = 1;

function refuse(what: string, line: number): never {
  throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: cannot convert shell syntax on line ${line}: ${what} is not supported; write the value out literally`);
}

export function splitShellCommands(text: string): string[][] {
  if (text.length > MAX_SHELL_TEXT) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: command text is too large (${text.length} bytes, limit ${MAX_SHELL_TEXT})`);
  }
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false; // a word has started (possibly empty, e.g. '')
  let line = 1;
  const n = text.length;
  let i = 0;

  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    const cmd = stripPrefixes(words);
    if (cmd.length > 0) commands.push(cmd);
    words = [];
  };

  while (i < n) {
    const c = text[i];
    switch (c) {
      case ' ': case '\t': case '\r':
        endWord(); i++; break;
      case '\n':
        line++; endCommand(); i++; break;
      case '#':
        if (inWord) { word += c; i++; break; }
        while (i < n && text[i] !== '\n') i++;
        break;
      case '\\': {
        const next = text[i + 1];
        if (next === '\n') { line++; i += 2; break; } // continuation
        if (next === '\r' && text[i + 2] === '\n') { line++; i += 3; break; }
        if (next === undefined) refuse('a trailing backslash', line);
        word += next; inWord = true; i += 2; break;
      }
      case "'": {
        const close = text.indexOf("'", i + 1);
        if (close < 0) throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: unterminated single quote on line ${line}`);
        const chunk = text.slice(i + 1, close);
        for (const ch of chunk) if (ch === '\n') line++;
        word += chunk; inWord = true; i = close + 1; break;
      }
      case '"': {
        const startLine = line;
        i++;
        inWord = true;
        for (;;) {
          if (i >= n) throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: unterminated double quote on line ${startLine}`);
          const d = text[i];
          if (d === '"') { i++; break; }
          if (d === '\\') {
            const e = text[i + 1];
            if (e === '\n') { line++; i += 2; continue; }
            if (e === '$' || e === '`' || e === '"' || e === '\\') { word += e; i += 2; continue; }
            word += d; i++; continue;
          }
          if (d === '$' || d === '`') {
            if (d === '$' && !/[A-Za-z_{(0-9@*#?!$-]/.test(text[i + 1] ?? '')) { word += d; i++; continue; }
            refuse(d === '`' ? 'command substitution (`…`)' : `parameter expansion (${text.slice(i, i + 12).split(/["\s]/)[0]})`, line);
          }
          if (d === '\n') line++;
          word += d; i++;
        }
        break;
      }
      case ';':
        endCommand(); i++; break;
      case '&':
        endCommand(); i += text[i + 1] === '&' ? 2 : 1; break;
      case '|':
        if (text[i + 1] === '|') { endCommand(); i += 2; break; }
        refuse('a pipe (|)', line);
        break;
      case '$':
        if (!/[A-Za-z_{(0-9@*#?!$-]/.test(text[i + 1] ?? '')) { word += c; inWord = true; i++; break; }
        refuse(`parameter expansion (${text.slice(i, i + 12).split(/[\s;&|'"]/)[0]})`, line);
        break;
      case '`':
        refuse('command substitution (`…`)', line);
        break;
      case '<': case '>':
        refuse(`a redirection (${c})`, line);
        break;
      case '(': case ')':
        refuse(`a subshell or function (${c})`, line);
        break;
      case '~':
        if (!inWord) refuse('tilde expansion (~)', line);
        word += c; i++; break;
      default: {
        // fast path: copy a run of characters that are not special to sh in one slice
        let j = i + 1;
        while (j < n && PLAIN[text.charCodeAt(j)] === 1) j++;
        word += text.slice(i, j); inWord = true; i = j;
      }
    }
  }
  endCommand();
  return commands;
}

/** Drop `exec`, `nohup`, `command`, bare `sudo`/`doas`, `env [NAME=value…]` and leading NAME=value assignments. */
function stripPrefixes(words: string[]): string[] {
  let k = 0;
  while (k < words.length) {
    const w = words[k];
    if (w === 'exec' || w === 'nohup' || w === 'env' || w === 'command' || w === 'sudo' || w === 'doas') { k++; continue; }
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) { k++; continue; }
    break;
  }
  return k === 0 ? words : words.slice(k);
}

/** Quote a word for sh(1) the way libvirt's fixtures do: bare when safe, else '…'. */
export function shellQuote(word: string): string {
  if (word.length > 0 && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
