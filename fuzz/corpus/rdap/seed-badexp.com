{
 "objectClassName": "domain",
 "ldhName": "badexp.com",
 "events": [
  {
   "eventAction": "registration",
   "eventDate": "2008-08-18T13:19:55Z"
  },
  {
   "eventAction": "expiration",
   "eventDate": "2029-08-18T13:19:55 GMT"
  },
  {
   "eventAction": "last changed",
   "eventDate": "2020-01-01T00:00:00.123456Z"
  }
 ],
 "entities": [
  {
   "objectClassName": "entity",
   "roles": [
    "registrar"
   ],
   "events": [
    {
     "eventAction": "registration",
     "eventDate": "1980-01-01T00:00:00Z"
    }
   ]
  }
 ]
}
