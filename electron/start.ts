// `npm start`: the desktop app. Until the Electron shell lands, say so and point at what works today.
process.stdout.write(
  [
    'Stevedore desktop shell is not built yet (see the open issue "Desktop shell").',
    'The engine works today from the command line:',
    '  node dist/electron/cli/main.js --help',
    '',
  ].join('\n'),
);
