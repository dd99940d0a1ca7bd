import { render } from 'preact';
import { App } from './app';
import { storedCredential, takeFragmentToken } from './auth';

// A token from the customer's portal leaves the address bar before anything else runs.
const credential = takeFragmentToken() ?? storedCredential();
render(<App credential={credential} />, document.getElementById('app')!);
