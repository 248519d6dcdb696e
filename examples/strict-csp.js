// A label link opened on this page (strict-csp.html#IM1:…) is checked at once.
import { isLabel, ready } from './iotmark/index.js';
import './iotmark/element.js';

await ready();
if (isLabel(location.href)) document.getElementById('checker').setAttribute('text', location.href);
