/**
 * The virsh command-line tokenizer: turns a command string such as
 *   `list --all; dominfo "my vm"   # comment`
 * into commands (arrays of words), as virsh parses `virsh 'a; b'`, each
 * line of a script on stdin, and each REPL line.
 *
 * Rules (observed by running virsh 9.0, not copied from it):
 *  - blanks (space, tab) separate words; `;` and newline end a command;
 *    empty commands are skipped;
 *  - `#` at the start of a word starts a comment up to the end of the line
 *    (inside a word it is an ordinary character);
 *  - '…' is literal, with no escapes; an unterminated ' runs to the end
 *    (virsh accepts it);
 *  - "…" allows backslash escapes (`\"` → `"`, `\x` → `x`); an unterminated
 *    " is the error `missing "`;
 *  - outside quotes a backslash escapes the next character; a trailing one
 *    is the error `dangling \`;
 *  - quotes join with adjacent text (`'te'st` is `test`); `""` is an empty word.
 */

export class TokenizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenizeError';
  }
}

/** Split `input` into commands; throws TokenizeError (message as virsh prints
 *  it after `error: `) for a dangling backslash or a missing double quote. */
export function tokenize(input: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let i = 0;
  const n = input.length;

  const endCommand = (): void => {
    if (words.length > 0) commands.push(words);
    words = [];
  };

  while (i < n) {
    const c = input[i];
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === ';' || c === '\n') { endCommand(); i++; continue; }
    if (c === '#') {
      while (i < n && input[i] !== '\n') i++;
      continue;
    }
    // One word: runs until an unquoted blank, `;` or newline.
    let word = '';
    while (i < n) {
      const ch = input[i];
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === ';' || ch === '\n') break;
      if (ch === '\\') {
        if (i + 1 >= n) throw new TokenizeError('dangling \\');
        word += input[i + 1];
        i += 2;
      } else if (ch === "'") {
        const close = input.indexOf("'", i + 1);
        const end = close === -1 ? n : close;
        word += input.slice(i + 1, end);
        i = close === -1 ? n : close + 1;
      } else if (ch === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const q = input[i];
          if (q === '"') { closed = true; i++; break; }
          if (q === '\\') {
            if (i + 1 >= n) throw new TokenizeError('dangling \\');
            word += input[i + 1];
            i += 2;
          } else {
            word += q;
            i++;
          }
        }
        if (!closed) throw new TokenizeError('missing "');
      } else {
        word += ch;
        i++;
      }
    }
    words.push(word);
  }
  endCommand();
  return commands;
}

/** Quote a word so that tokenize() gives it back unchanged (for completion
 *  of domain names with blanks, and for printing commands). */
export function quoteWord(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_.,:\/=@+%-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
